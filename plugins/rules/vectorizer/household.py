"""Household size from its parts when no head count is given: "부부와 아이 둘" -> 4, "me and my wife and 3 kids" -> 5."""
from __future__ import annotations


def compose_household(signals: dict[str, list[tuple[float, str]]]) -> tuple[float | None, dict | None]:
    """Adults ("two adults", 2 with a partner, 1 when alone or "me and my kids") plus children; None when the
    adults are unknown. `signals` maps adults / partner / alone / me / kids / aged_kids to (value, matched text)
    pairs; aged_kids are children known only by their age ("a 2 year old", "2살 아이").

    Children alone ("I have two kids") do not say how many adults live there, and "me and ..." without
    children is no household at all ("me and my friend"), so neither gives a household.
    """
    kids = signals.get("kids") or signals.get("aged_kids", [])  # "a 2 year old" counts only when no count is given
    adult_signals = ("adults", "partner", "alone", "me") if kids else ("adults", "partner", "alone")
    for name in adult_signals:
        if signals.get(name):
            adults, adult_words = signals[name][0]
            break
    else:
        return None, None
    children = sum(value for value, _ in kids)
    words = " + ".join([adult_words, *(text for _, text in kids)])
    return adults + children, {"value": adults + children, "match": words,
                               "parts": {"adults": adults, "children": children}}
