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


# Particles and polite endings that change no meaning in a question, longest first; English articles likewise.
_PARTICLES = ("에서는", "에게서", "으로는", "에서", "에게", "으로", "까지", "부터", "처럼", "보다", "이랑", "하고",
              "은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만", "랑", "요")
_ARTICLES = frozenset({"a", "an", "the", "please"})


def _bare(token: str) -> str:
    """The word without its trailing particles, stripped until none is left ("나이는" and "나이" agree)."""
    stripped = True
    while stripped:
        stripped = False
        for particle in _PARTICLES:
            if len(token) > len(particle) and token.endswith(particle) and "가" <= token[-len(particle) - 1] <= "힣":
                token, stripped = token[: -len(particle)], True
                break
    return token


def same_question_keys(text: str) -> tuple[str, str]:
    """Two keys under which questions that differ only in spacing, punctuation, particles (or articles) or
    word order are equal: the words sorted, and the words run together in order. Numbers stay, so
    "top 3" and "top 5" never share a key."""
    words = [_bare(w) for w in search_key(text).split() if w not in _ARTICLES]
    words = [w for w in words if w]
    return " ".join(sorted(words)), "".join(_bare(w) for w in "".join(words).split())


def same_question(a: str, b: str) -> bool:
    """True when either key of the two questions is equal (see `same_question_keys`)."""
    first, second = same_question_keys(a), same_question_keys(b)
    return bool(first[0]) and (first[0] == second[0] or first[1] == second[1])
