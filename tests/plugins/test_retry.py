"""Backoff stays bounded however many attempts a setting allows, and odd Retry-After values are safe."""
from engine.settings import offline_settings
from plugins.openai_compat import MAX_RETRY_AFTER_SECONDS, OpenAIVectorizer
from plugins.retry import MAX_BACKOFF_SECONDS, backoff_delay


def test_backoff_is_capped_even_after_many_attempts():
    assert all(0 <= backoff_delay(10, 0.5) <= MAX_BACKOFF_SECONDS for _ in range(200))
    assert all(backoff_delay(1, 0.01) <= 0.01 for _ in range(50))


def test_retry_after_is_honoured_but_bounded_and_an_http_date_falls_back_to_our_backoff():
    backend = OpenAIVectorizer(offline_settings(openai_base_url="http://127.0.0.1:9", openai_model="m"),
                               retry_backoff=0.01)
    assert backend._delay(1, "2") >= 2
    assert backend._delay(1, "3600") <= MAX_RETRY_AFTER_SECONDS
    assert backend._delay(1, "Wed, 21 Oct 2015 07:28:00 GMT") <= 0.01
