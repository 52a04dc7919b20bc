"""Reply wording: values read the way a customer says them, in their language."""
import pytest

from core.features import format_fact
from engine.replies import format_probability


@pytest.mark.parametrize("name, value, lang, expected", [
    ("amt", 30, "ko", "월 예산 3만원"),
    ("amt", 35, "ko", "월 예산 3.5만원"),
    ("amt", 5, "ko", "월 예산 5천원"),
    ("amt", 30, "en", "monthly budget 30,000 KRW"),
    ("age", 35, "ko", "나이 35세"),
    ("houseHold", 1, "en", "living alone"),
    ("houseHold", 4, "en", "household of 4"),
    ("size", 30.5, "ko", "주거 평수 30.5평"),
    ("discRate", 10, "en", "discount rate 10%"),
])
def test_values_read_naturally(name, value, lang, expected):
    assert format_fact(name, value, lang) == expected


def test_tiny_probabilities_are_not_shown_as_zero():
    assert format_probability(0.001) == "<1%"
    assert format_probability(0.42) == "42%"


def test_clamped_values_read_as_korean_with_the_right_particles():
    from engine.app import Engine
    from engine.settings import offline_settings

    reply = Engine(offline_settings()).recommend("150살이고 월 500만원까지 괜찮아요, 1000평 집").reply
    assert "나이 150세는 학습 범위를 벗어나 90세로" in reply
    assert "월 예산 500만원은 학습 범위를 벗어나 15만원으로" in reply
    assert "(은)는" not in reply and "(으)로" not in reply


def test_text_in_another_language_is_answered_in_both():
    from core.errors import UnsupportedLanguage

    message = UnsupportedLanguage().message("en")
    assert "한국어" in message and "English" in message
