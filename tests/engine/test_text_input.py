"""Message checks and the reply language."""
import pytest

from core.errors import EmptyInput, InputTooLong, UnsupportedLanguage
from core.language import detect_language, validate_message


@pytest.mark.parametrize("text, lang", [
    ("35살 4인 가족 30평 정수기", "ko"),
    ("How many 정수기 users are there?", "en"),
    ("Hi, I'm 35 and looking for a 정수기", "en"),
    ("제품별 users 수 보여줘", "ko"),
    ("I am 35", "en"),
    ("12345", "ko"),
])
def test_replies_follow_the_language_that_dominates(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize("text, error", [
    (None, EmptyInput), ("", EmptyInput), ("\u200b\u200b  \n", EmptyInput), ("\x00", EmptyInput),
    ("가" * 2001, InputTooLong), ("こんにちは、三十五歳です", UnsupportedLanguage),
    ("我今年三十五岁，想租净水器", UnsupportedLanguage), ("Привет, мне 35 лет", UnsupportedLanguage),
])
def test_bad_messages_are_refused(text, error):
    with pytest.raises(error):
        validate_message(text, 2000)


def test_invisible_characters_are_removed_before_any_backend_reads_the_text():
    cleaned, lang = validate_message("정\u200b수\u200d기 35살\u202e", 2000)
    assert cleaned == "정수기 35살" and lang == "ko"


def test_a_little_foreign_text_inside_korean_is_fine():
    assert validate_message("35살이고 café 근처 살아요", 2000)[1] == "ko"
