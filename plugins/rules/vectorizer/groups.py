"""Which of the five product groups the customer asked for, if exactly one is clear, or that any will do.

Product names ("정수기", "dishwasher") outrank hints ("미세먼지", "설거지", "bed"); a name that is negated
("정수기 말고", "I already have a bidet") does not count; two different groups named leave the group unclear (None).
"""
from __future__ import annotations

import re

from core.vocabulary import GROUP_PATTERNS

# Hints only count when no product is named; they are the vectorizer's own, since "미세먼지 사용자 수" is no
# question about air purifier users.
HINTS = {
    "정수기": r"(?<![가-힣])(?:물|생수|식수)(?=$|[^가-힣]|을|이|은|도|만|맛|로|이랑)|"
             r"\b(?:drinking|clean|filtered|purified|cold|hot)\s+water\b|\bwater\b",
    "공기청정기": r"미세\s*먼지|황사|꽃가루|\bfine\s+dust\b|\bdust\b|\bpollen\b|\bair\s+quality\b",
    "식기세척기": r"설거지|\bdishes\b|\bwashing\s+up\b",
    "매트리스": r"침대|\bbeds?\b",
}
# "다른 제품군도 보여줘" / "any product is fine": the customer lifts the group chosen in an earlier turn.
CLEAR_GROUP = re.compile(
    r"(?:다른|모든|전체|아무|여러|온갖)\s*(?:제품|상품|품목|카테고리|가전)|아무거나|"
    r"(?:제품|상품|품목|카테고리|종류)(?:군)?\s*(?:은|는|이|가|도)?\s*(?:상관\s*(?:없|안)|무관|관계\s*없|아무거나)|"
    r"\b(?:any|all|other|every|different)\s+(?:(?:kinds?|types?|sorts?)\s+of\s+)?"
    r"(?:products?|categor(?:y|ies)|appliances?|product\s+(?:groups?|types?|lines?))\b|"
    r"\b(?:anything|whatever)\s+(?:is\s+)?(?:fine|ok(?:ay)?|works)\b|"
    r"\b(?:product|category)\s+(?:type\s+|group\s+)?(?:doesn['’]?t|does\s+not)\s+matter\b|"
    r"\bdon['’]?t\s+care\s+(?:about\s+)?(?:the\s+|which\s+)?(?:product|category|kind|type)"
)
_NAMES = {group: re.compile(pattern) for group, pattern in GROUP_PATTERNS.items()}
_HINTS = {group: re.compile(pattern) for group, pattern in HINTS.items()}

_NEGATED_AFTER = re.compile(r"\s*(?:은|는|이|가)?\s*(?:말고|말구|빼고|대신|제외|필요\s*없|안\s*필요|싫)")
_NEGATED_BEFORE = re.compile(
    r"(?:\bnot|\bno|n['’]t\s+(?:want|need|like)|\bexcept|\binstead\s+of|\brather\s+than|\bother\s+than|\bwithout|"
    r"\bbesides|\balready\s+(?:have|own|got))\s+(?:(?:a|an|the|any|my|our)\s+)?$"
)


def _negated(text: str, match: re.Match) -> bool:
    before = text[max(0, match.start() - 40):match.start()]
    return bool(_NEGATED_AFTER.match(text, match.end()) or _NEGATED_BEFORE.search(before))


def _mentions(text: str, patterns: dict[str, re.Pattern]) -> tuple[dict[str, str], dict[str, str]]:
    """First wanted mention and first negated mention of each group, as the matched words."""
    wanted: dict[str, str] = {}
    excluded: dict[str, str] = {}
    for group, pattern in patterns.items():
        for match in pattern.finditer(text):
            target = excluded if _negated(text, match) else wanted
            target.setdefault(group, match.group(0))
    return wanted, excluded


def detect_group(text: str) -> tuple[str | None, dict]:
    """(group or None, what was matched) for `core.text.fold`ed text."""
    wanted, excluded = _mentions(text, _NAMES)
    evidence: dict = {}
    if not wanted:
        wanted, hinted_excluded = _mentions(text, _HINTS)
        excluded = {**hinted_excluded, **excluded}
        if wanted:
            evidence["hint"] = True
    if excluded:
        evidence["excluded"] = sorted(excluded)
    if len(wanted) == 1:
        group, words = next(iter(wanted.items()))
        return group, {"value": group, "match": words, **evidence}
    if wanted:
        evidence["ambiguous"] = sorted(wanted)
    return None, evidence


def detect_clear(text: str) -> str | None:
    """The words asking for any product group, for normalised text that names no group."""
    match = CLEAR_GROUP.search(text)
    return match.group(0) if match else None
