"""Korean particles: the right one depends on whether the word's last sound ends in a consonant."""
from __future__ import annotations

from functools import partial


def _final(word: str) -> str:
    """'' (vowel), 'ㄹ' or 'C' (another consonant) for the word's last sound; digits are read aloud."""
    ch = word.rstrip()[-1:]
    if "가" <= ch <= "힣":
        index = (ord(ch) - 0xAC00) % 28
        return "" if index == 0 else "ㄹ" if index == 8 else "C"
    if ch.isdigit():
        return "C" if ch in "036" else "ㄹ" if ch in "178" else ""
    return ""


def _particle(word: str, after_consonant: str, after_vowel: str, rieul: str | None = None) -> str:
    final = _final(word)
    return word + (after_vowel if not final else rieul if final == "ㄹ" and rieul else after_consonant)


copula = partial(_particle, after_consonant="이에요", after_vowel="예요")
topic = partial(_particle, after_consonant="은", after_vowel="는")
subject_particle = partial(_particle, after_consonant="이", after_vowel="가")
ro = partial(_particle, after_consonant="으로", after_vowel="로", rieul="로")

