"""The one text normaliser: every matcher in the project reads text in the same folded form.

`fold` is what both rules parsers read; `search_key` is `fold` without punctuation, for similarity
search, where "평균 나이?" and "평균  나이" must be the same question.
"""
from __future__ import annotations

import re
import unicodedata

_TYPOGRAPHY = str.maketrans({"∼": "~", "〜": "~", "–": "-", "—": "-", "’": "'", "‘": "'"})
_MARKUP = re.compile(r"</?[a-z][a-z0-9]{0,9}\s*/?>")  # "<b>총</b> 정수기 사용자": tags pasted from a page
_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s%~]")


def fold(text: str) -> str:
    """NFKC (fullwidth digits, ％ and ㎡ -> m2), lower case, typographic dashes and quotes as ASCII, pasted
    tags dropped, one space for any whitespace run: every `\\s*` in a pattern then spans at most one
    character, so long blank runs cannot make matching quadratic."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_TYPOGRAPHY)
    return _SPACES.sub(" ", _MARKUP.sub(" ", text)).strip()


def search_key(text: str) -> str:
    """`fold` with punctuation dropped too (`%` and `~` carry meaning and stay)."""
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", fold(text))).strip()
