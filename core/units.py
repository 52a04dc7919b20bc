"""Units as customers write them, converted to the units the data stores (DESIGN.md's data contract):
money to `amt`'s thousands of KRW (월 3만원 = 30), areas to 평. Both rules parsers convert through here.

The fragments are regex alternatives over `core.text.fold`ed text, without groups of their own.
"""
from __future__ import annotations

M2_PER_PYEONG = 3.3058
M2_PER_SQFT = 0.09290304
WON_PER_THOUSAND = 1000  # amt and the SQL parser's canonical "N천원" count thousands of won
THOUSANDS_PER_MAN = 10  # 1만원 = 10천원

AREA_M2 = (r"m2|m\^2|sqm\b|sq\.?\s*m(?:eters?|etres?)?\b|square\s*m(?:eters?|etres?)\b|제곱\s*미터|평방\s*미터|"
           r"제곱\s*m(?![a-z])")
AREA_SQFT = r"sq\.?\s*f(?:ee)?t|square\s*f(?:ee|oo)t|ft2|ft\^2"
PYEONG_EN = r"pyeong|pyong|pyung|py"
PERCENT = r"%|퍼센트|퍼(?![가-힣])|프로(?![그모젝필세])|percent\b|per\s*cent\b|pct\b"
WON = r"원(?![룸하해래본])|won\b|krw\b"
THOUSAND = r"k\b|thousand\b"


def won_to_thousands(won: float) -> float:
    return won / WON_PER_THOUSAND


def man_to_thousands(man: float, thousands: float = 0.0) -> float:
    """3만 5천원 -> 35: tens of thousands of won plus the thousands after them."""
    return man * THOUSANDS_PER_MAN + thousands


def m2_to_pyeong(m2: float) -> float:
    return m2 / M2_PER_PYEONG


def sqft_to_pyeong(sqft: float) -> float:
    return sqft * M2_PER_SQFT / M2_PER_PYEONG
