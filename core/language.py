"""Checks every chat message before any backend sees it: empty, oversized, or not Korean/English text."""
from __future__ import annotations

import re

from core.errors import EmptyInput, InputTooLong, UnsupportedLanguage

# Zero-width characters, bidi controls and other format/control characters carry no meaning for us
# and are a classic way to hide keywords from filters.
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e\u1100-\u11ff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """The language a reply should use: 'ko' unless English letters clearly outweigh the Hangul.
    A Hangul syllable carries about three Latin letters' worth, so "How many 정수기 users?" is English
    and "제품별 users 수" Korean; text with no letters at all is answered in Korean, the company's own."""
    hangul, latin = len(_HANGUL.findall(text)), len(_LATIN.findall(text))
    return "ko" if hangul * 3 >= latin else "en"


def clean_text(text: str) -> str:
    return _INVISIBLE.sub("", text).strip()


def validate_message(text: str | None, max_chars: int) -> tuple[str, str]:
    """Return (cleaned text, language) or raise a BadInput subclass; nothing downstream runs on failure."""
    if text is None:
        raise EmptyInput()
    if len(text) > max_chars:
        raise InputTooLong(length=len(text), limit=max_chars)
    cleaned = clean_text(text)
    if not cleaned:
        raise EmptyInput()
    letters = sum(1 for ch in cleaned if ch.isalpha())
    supported = len(_HANGUL.findall(cleaned)) + len(_LATIN.findall(cleaned))
    if letters and supported * 2 < letters:
        raise UnsupportedLanguage()
    return cleaned, detect_language(cleaned)
