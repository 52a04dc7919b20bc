"""Checks every chat message before any backend sees it: empty, oversized, or not Korean/English text."""
from __future__ import annotations

import re
import unicodedata

from engine.errors import EmptyInput, InputTooLong, UnsupportedLanguage

# Zero-width characters, bidi controls and other format/control characters carry no meaning for us
# and are a classic way to hide keywords from filters.
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


def is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e" or "\u1100" <= ch <= "\u11ff"


def detect_language(text: str) -> str:
    """The language a reply should use: 'ko' unless English letters clearly outweigh the Hangul.
    A Hangul syllable carries about three Latin letters' worth, so "How many 정수기 users?" is English
    and "제품별 users 수" Korean; text with no letters at all is answered in Korean, the company's own."""
    hangul = sum(1 for ch in text if is_hangul(ch))
    latin = sum(1 for ch in text if "a" <= ch.lower() <= "z")
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
    letters = [ch for ch in cleaned if unicodedata.category(ch).startswith("L")]
    supported = [ch for ch in letters if is_hangul(ch) or ("a" <= ch.lower() <= "z")]
    if letters and len(supported) * 2 < len(letters):
        raise UnsupportedLanguage()
    return cleaned, detect_language(cleaned)
