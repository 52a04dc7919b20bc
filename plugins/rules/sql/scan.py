"""The question as the rules SQL parser reads it: folded, with numbers in one canonical spelling, and a
working copy in which each stage blanks the words it used.

Number words become digits, money becomes thousands of KRW ("N천원", the `amt` unit) and areas become 평, so the
later stages match one spelling of each quantity; the conversions are `core.units`', as the vectorizer's are.
"""
from __future__ import annotations

import re

from core import units
from core.numbers import EN_DECADES, parse_number
from core.text import fold
from plugins.rules.sql import lexicon as lx

_THOUSANDS = re.compile(r"\b\d{1,3}(?:,\d{3})+\b")


def number(text: str) -> float:
    return float(text.replace(",", ""))


def compact(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _count_word(m: re.Match) -> str:
    if not (m["pre"] or m["post"]):
        return m[0]
    return f"{m['pre'] or ''}{compact(parse_number(m['w']))}{m['post'] or ''}"


def canonical(text: str) -> str:
    """`fold`ed text with number words as digits, money in thousands of KRW ("N천원") and areas in 평."""
    text = _THOUSANDS.sub(lambda m: m[0].replace(",", ""), fold(text))
    text = lx.EN_DECADE_WORD.sub(lambda m: f"{EN_DECADES[m[1]]}s", text)
    text = lx.EN_TENS_WORD.sub(lambda m: f"{compact(parse_number(m[0]))}", text)  # twenty-five -> 25
    text = lx.EN_NUMBER_WORD.sub(_count_word, text)
    text = lx.KO_NUMBER_WORD.sub(lambda m: f"{compact(parse_number(m[1]))}{m[2]}", text)
    text = lx.MONEY_MAN_CHEON.sub(
        lambda m: f"{compact(round(units.man_to_thousands(number(m[1]))) + int(m[2]))}천원", text)
    text = lx.MONEY_MAN.sub(lambda m: f"{compact(round(units.man_to_thousands(number(m[1])), 1))}천원", text)
    text = lx.MONEY_WON.sub(lambda m: f"{compact(round(units.won_to_thousands(number(m[1] or m[2])), 1))}천원", text)
    text = lx.MONEY_CHEON.sub(lambda m: f"{m[1] or m[2]}천원", text)
    text = lx.AREA_M2.sub(lambda m: f"{round(units.m2_to_pyeong(number(m[1])))}평", text)
    return lx.AREA_SQFT.sub(lambda m: f"{round(units.sqft_to_pyeong(number(m[1])))}평", text)


class Scan:
    """The canonical question plus a working copy in which consumed words are blanked with spaces."""

    def __init__(self, text: str):
        self.text = canonical(text)
        self.work = self.text

    def mask(self, start: int, end: int) -> None:
        self.work = self.work[:start] + " " * (end - start) + self.work[end:]

    def take(self, pattern: re.Pattern) -> list[re.Match]:
        """Every match of `pattern` in the working text, each then blanked out."""
        found = list(pattern.finditer(self.work))
        for m in found:
            self.mask(m.start(), m.end())
        return found

    def feature_near(self, start: int, end: int) -> tuple[str | None, int, int]:
        """The feature word closest to the words at start:end, and the span covering both."""
        best = None
        for m in lx.FEATURE_WORD.finditer(self.work, max(0, start - 22), min(len(self.work), end + 22)):
            distance = start - m.end() if m.end() <= start else m.start() - end
            if distance >= 0 and (best is None or distance < best[0]):
                best = (distance, m)
        if best is None:
            return None, start, end
        m = best[1]
        return m.lastgroup, min(start, m.start()), max(end, m.end())
