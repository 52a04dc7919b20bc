"""The offline `rules` vectorizer: reads only what the customer's text states, in Korean or English, with no model.

A bare percentage ("10%") with no discount word near it counts as the discount rate only when it is the only
percentage in the text and no other measure (humidity, tax, interest, battery, filtering, ...) is named beside
it: the discount rate is the only percentage the model takes, but a second figure or another measure makes the
reading a guess, and this backend never guesses. Likewise an age next to a child, spouse or parent is theirs, never
the customer's, and an amount next to an income word is earnings, never the monthly rental budget.

A fact stated with a value no customer can have ("-5살", "1e100 years old") or stated twice with values that
disagree ("I'm 20 and 80") is neither dropped nor guessed at: it is reported in `doubtful` (see `doubts`).
"""
from __future__ import annotations

import json
import re
from typing import NamedTuple

from core.features import FEATURES
from core.numbers import MINUS_BEFORE, parse_number
from core.text import fold
from plugins.base import VectorizeRequest, VectorizeResult, Vectorizer
from plugins.rules.vectorizer.doubts import CONFLICTING, IMPOSSIBLE, disagreeing, possible
from plugins.rules.vectorizer.groups import detect_clear, detect_group
from plugins.rules.vectorizer.household import compose_household
from plugins.rules.vectorizer.patterns import (
    ARTICLE_BEFORE,
    BARE_PERCENT,
    CHILD_AFTER,
    CHILD_BEFORE,
    FAMILY_AFTER,
    FAMILY_BEFORE,
    INCOME_AFTER,
    INCOME_BEFORE,
    NOT_A_DISCOUNT,
    NOUN_PHRASE_END,
    POSSESSIVE_BEFORE,
    RULES,
    SELF_AFTER,
    SELF_BEFORE,
    Rule,
)

ADULT_AGE = 19
MAX_IGNORED_IN_RAW = 10
MAX_DOUBTFUL_WORDS = 4
HOUSEHOLD_SIGNALS = ("adults", "kids", "aged_kids", "partner", "alone", "me")
CHILD, FAMILY, SELF = "a child's age", "a family member's age", "self"
BAND_RANK = 2  # patterns' rank of an age or size band ("30대"): an exact statement overrides it, never clashes


class Reading(NamedTuple):
    rank: int
    start: int
    value: float
    words: str  # the whole match, as raw output shows it
    said: str  # the number as written, sign and unit included, for a question about it


def _number_start(match: re.Match) -> int:
    for name in ("n", "a", "d", "s", "w"):
        if name in match.re.groupindex and match.group(name) is not None:
            return match.start(name)
    return match.start()


def _sign_start(text: str, start: int) -> int | None:
    """Where the minus sign written before the number at `start` begins, or None when it has none."""
    sign = MINUS_BEFORE.search(text, max(0, start - 12), start)
    return sign.start() if sign else None


def _whose_age(text: str, match: re.Match, value: float, noun_phrase: bool) -> str | None:
    """CHILD or FAMILY when the age belongs to someone the customer mentions, SELF when the customer states it
    as their own ("I'm 35", "저는 35살", "35살이고"), None when the text does not say."""
    number_start, end = _number_start(match), match.end()
    before = text[max(0, number_start - 25):number_start]
    if (value < ADULT_AGE and CHILD_AFTER.match(text, end)) or CHILD_BEFORE.search(before):
        return CHILD
    if FAMILY_BEFORE.search(before):
        return FAMILY
    if SELF_BEFORE.search(before) or SELF_AFTER.match(text, end):
        return SELF
    if FAMILY_AFTER.match(text, end):
        return FAMILY
    if noun_phrase and POSSESSIVE_BEFORE.search(before):
        return CHILD if value < ADULT_AGE else FAMILY
    if noun_phrase and value < ADULT_AGE and ARTICLE_BEFORE.search(before) and NOUN_PHRASE_END.match(text, end):
        return CHILD
    return None


def _is_income(text: str, match: re.Match) -> bool:
    return bool(INCOME_BEFORE.search(text[max(0, match.start() - 25):match.start()])
                or INCOME_AFTER.match(text, match.end()))


class _Reader:
    """One pass over one text: rules claim characters in order, so no number is read twice."""

    def __init__(self, text: str):
        self.text = text
        self.claimed = bytearray(len(text))
        self.found: dict[str, list[Reading]] = {}
        self.doubts: dict[str, list[str]] = {}  # feature -> what was said with a value no customer can have
        self.ignored: list[dict] = []

    def free(self, start: int, end: int) -> bool:
        return not any(self.claimed[start:end])

    def claim(self, start: int, end: int) -> None:
        self.claimed[start:end] = b"\x01" * (end - start)

    def ignore(self, feature: str, words: str, why: str) -> None:
        if len(self.ignored) < MAX_IGNORED_IN_RAW:
            self.ignored.append({"feature": feature, "match": words, "why": why})

    def apply(self, rule: Rule) -> None:
        for match in rule.pattern.finditer(self.text):
            start, end = match.span()
            if start == end or not self.free(start, end):
                continue
            self.claim(start, end)
            words = match.group(0).strip()
            value = rule.convert(match)
            if value is None:
                self.ignore(rule.feature, words, "no usable number")
                continue
            number_start = _number_start(match)
            sign = _sign_start(self.text, number_start)
            second = match.group(rule.also) if rule.also else None
            said_end = match.end("n") if second else end  # "I'm 20 and 80": two readings, each its own words
            said = self.text[number_start if sign is None else sign:said_end].strip()
            if sign is not None:
                value = -value  # judged as written: a negative value is one no customer can have
            if rule.feature == "amt" and _is_income(self.text, match):
                self.ignore(rule.feature, words, "income, not a budget")
                continue
            readings = [(value, said)] + ([(parse_number(second), second)] if second else [])
            for value, said in readings:
                if rule.feature == "age":
                    self.age(rule, match, value, words, said)
                else:
                    self.read(rule.feature, rule.rank, start, value, words, said)

    def read(self, feature: str, rank: int, start: int, value: float | None, words: str, said: str) -> None:
        if value is not None and possible(feature, value):
            self.found.setdefault(feature, []).append(Reading(rank, start, round(value, 3), words, said))
        else:
            self.doubts.setdefault("houseHold" if feature in HOUSEHOLD_SIGNALS else feature, []).append(said)

    def age(self, rule: Rule, match: re.Match, value: float | None, words: str, said: str) -> None:
        """Someone else's age is set aside (a child's one counts as a child); the customer's own goes first."""
        whose = _whose_age(self.text, match, value, rule.noun_phrase) if value is not None else None
        if whose in (CHILD, FAMILY):
            self.ignore("age", words, whose)
            if whose == CHILD:
                self.found.setdefault("aged_kids", []).append(Reading(0, match.start(), 1.0, words, said))
            return
        rank = -1 if whose == SELF else rule.rank
        self.read("age", rank, match.start(), value, words, said)

    def bare_percent(self) -> tuple[float, str] | None:
        matches = [m for m in BARE_PERCENT.finditer(self.text) if self.free(*m.span())]
        if len(matches) != 1:
            for match in matches:
                self.ignore("discRate", match.group(0), "several percentages, none called a discount")
            return None
        match = matches[0]
        nearby = self.text[max(0, match.start() - 15):match.end() + 10]
        if NOT_A_DISCOUNT.search(nearby):
            self.ignore("discRate", match.group(0), "percentage of something else")
            return None
        value, sign = parse_number(match.group("n")), _sign_start(self.text, match.start("n"))
        if sign is not None or value is None or not possible("discRate", value):
            said = self.text[match.start() if sign is None else sign:match.end()]
            self.doubts.setdefault("discRate", []).append(said)
            return None
        return value, match.group(0)


def _compact(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _clash(name: str, candidates: list[Reading]) -> list[str]:
    """What was said, when the customer's own statements of one fact disagree ("I'm 20 and 80"); an age or size
    band only clashes with another band, since an exact figure refines it."""
    exact = candidates[0].rank < BAND_RANK
    tier = sorted((c for c in candidates if (c.rank < BAND_RANK) == exact), key=lambda c: c.start)
    return disagreeing(name, [(c.value, c.said) for c in tier])


def read_text(text: str) -> tuple[dict[str, float | None], str | None, dict]:
    """The six features and product group stated in `text`, plus a record of what was matched; raw["doubtful"]
    holds the facts stated with an impossible value or with values that disagree, which stay None."""
    reader = _Reader(fold(text))
    for rule in RULES:
        reader.apply(rule)
    features: dict[str, float | None] = dict.fromkeys(FEATURES)
    raw: dict = {}
    doubtful: dict[str, dict] = {}

    def settled(name: str) -> bool:
        return features[name] is not None or name in reader.doubts or name in doubtful

    for name in FEATURES:
        candidates = sorted(reader.found.get(name, []))
        if name in reader.doubts or not candidates:
            continue
        clash = _clash(name, candidates)
        if clash:
            doubtful[name] = {"reason": CONFLICTING, "stated": clash[:MAX_DOUBTFUL_WORDS]}
            continue
        value, words = candidates[0].value, candidates[0].words
        features[name] = float(value)
        raw[name] = {"value": _compact(value), "match": words}
    if not settled("houseHold"):
        signals = {key: [(r.value, r.words) for r in sorted(reader.found.get(key, []), key=lambda r: r.start)]
                   for key in HOUSEHOLD_SIGNALS}
        value, evidence = compose_household(signals)
        if value is not None and not possible("houseHold", value):
            reader.doubts["houseHold"] = [evidence["match"]]
        elif value is not None:
            features["houseHold"] = float(value)
            raw["houseHold"] = {**evidence, "value": _compact(value)}
        elif kids := signals["kids"] or signals["aged_kids"]:
            raw["children"] = {"value": _compact(sum(v for v, _ in kids)), "note": "adults not stated"}
    if not settled("discRate"):
        bare = reader.bare_percent()
        if bare is not None:
            features["discRate"] = bare[0]
            raw["discRate"] = {"value": _compact(bare[0]), "match": bare[1], "note": "bare percentage"}
    for name in FEATURES:
        if name in reader.doubts:
            said = list(dict.fromkeys(reader.doubts[name]))[:MAX_DOUBTFUL_WORDS]
            doubtful[name] = {"reason": IMPOSSIBLE, "stated": said}
    doubtful = {name: doubtful[name] for name in FEATURES if name in doubtful}
    if doubtful:
        raw["doubtful"] = doubtful
    group, group_evidence = detect_group(reader.text)
    clear = detect_clear(reader.text) if group is None else None
    if clear:
        group_evidence = {**group_evidence, "clear": True, "match": clear}
    if group_evidence:
        raw["product_group"] = group_evidence
    if reader.ignored:
        raw["ignored"] = reader.ignored
    return features, group, raw


class RulesVectorizer(Vectorizer):
    """Deterministic, offline pattern reading; what the text does not state stays None for the engine to fill."""

    backend_id = "rules"
    description = "Offline, deterministic Korean/English pattern reader (no network, no model)"

    def vectorize(self, request: VectorizeRequest) -> VectorizeResult:
        features, group, raw = read_text(request.text)
        return VectorizeResult(
            features=features,
            product_group=group,
            raw=json.dumps(raw, ensure_ascii=False, separators=(",", ":")),
            clear_group=group is None and bool(raw.get("product_group", {}).get("clear")),
            doubtful=raw.get("doubtful", {}),
        )
