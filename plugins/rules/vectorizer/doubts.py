"""Facts the customer states that cannot be used as read: a value no customer can have, or two that disagree.

Neither is dropped as if unsaid nor clamped into the model's range: the backend reports each in
`VectorizeResult.doubtful`, and the engine asks about it. These bounds are what can be true of a customer, far
wider than the model's training range; a value between the two is read, then clamped by the engine, which says so.
"""
from __future__ import annotations

import math

IMPOSSIBLE, CONFLICTING = "impossible", "conflicting"

POSSIBLE: dict[str, tuple[float, float]] = {
    "age": (1, 150),
    "houseHold": (1, 99),
    "amt": (0, 100_000),  # thousands of KRW a month: up to 1억원
    "size": (1, 10_000),  # pyeong: about 33,000 m²
    "score": (0, 100),  # the membership score is out of 100
    "discRate": (0, 100),  # percent
    # the parts a household is composed from (household.compose_household)
    "adults": (1, 99),
    "kids": (0, 99),
}
# How far two statements of one fact may differ and still be one fact: "35살(만 34세)" counts a Korean and an
# international age, "30평(99㎡)" rounds a conversion.
_SAME_WITHIN = {"age": 2.0}
_SAME_RELATIVE = 0.05


def possible(feature: str, value: float) -> bool:
    low, high = POSSIBLE.get(feature, (-math.inf, math.inf))
    return math.isfinite(value) and low <= value <= high


def agree(feature: str, a: float, b: float) -> bool:
    return abs(a - b) <= max(_SAME_WITHIN.get(feature, 0.0), _SAME_RELATIVE * max(abs(a), abs(b)))


def disagreeing(feature: str, readings: list[tuple[float, str]]) -> list[str]:
    """The words of readings that do not all agree, in the order given; [] when they state one value."""
    values = [value for value, _ in readings]
    if agree(feature, min(values), max(values)):
        return []
    return list(dict.fromkeys(words for _, words in readings))
