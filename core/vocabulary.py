"""The product vocabulary every layer shares: the five groups, the ten codes in the model's class order,
the groups' English names, and the words people use for each group. Names, fees and descriptions of the
ten products live in `db.catalog`."""
from __future__ import annotations

import re

GROUP_NAMES_EN: dict[str, str] = {
    "정수기": "water purifier",
    "공기청정기": "air purifier",
    "비데": "bidet",
    "식기세척기": "dishwasher",
    "매트리스": "mattress",
}
GROUPS: tuple[str, ...] = tuple(GROUP_NAMES_EN)

# The model's class order: changing it invalidates the trained artifact.
PRODUCT_CODES: tuple[str, ...] = (
    "정수기1", "정수기2", "정수기3",
    "공기청정기1", "공기청정기2",
    "비데1", "비데2",
    "식기세척기1", "식기세척기2",
    "매트리스1",
)

# Every word that names a group, in both languages. One list, so the vectorizer and the SQL parser read a
# product the same way ("매트레스 사용자 수" was once a mattress to one and an unknown word to the other).
# Spaces may be left out or written as hyphens, and English words may be plural: see `synonym_pattern`.
GROUP_SYNONYMS: dict[str, tuple[str, ...]] = {
    "정수기": ("정수기", "water purifier", "water filter", "water dispenser"),
    "공기청정기": ("공기 청정기", "공청기", "air purifier", "air cleaner"),
    "비데": ("비데", "bidet"),
    "식기세척기": ("식기 세척기", "식세기", "dish washer"),
    "매트리스": ("매트리스", "매트레스", "mattress"),
}


def group_name(group: str, lang: str) -> str:
    return group if lang == "ko" else GROUP_NAMES_EN[group]


def synonym_pattern(word: str) -> str:
    """A regex for one synonym over `core.text.fold`ed text: "dish washer" also matches "dishwasher",
    "dish-washer" and "dishwashers"; an English word never matches inside a longer word."""
    body = r"[\s-]*".join(re.escape(part) for part in word.split())
    if not word.isascii():
        return body
    plural = "(?:es)?" if word.endswith(("s", "sh", "ch", "x")) else "s?"
    return rf"(?<![a-z]){body}{plural}(?![a-z])"


GROUP_PATTERNS: dict[str, str] = {
    group: "|".join(synonym_pattern(word) for word in sorted(words, key=len, reverse=True))
    for group, words in GROUP_SYNONYMS.items()
}
# Any group's name; the named group `g<i>` that matched is GROUPS[i] (see `mentioned_group`).
GROUP_MENTION = re.compile("|".join(f"(?P<g{i}>{GROUP_PATTERNS[group]})" for i, group in enumerate(GROUPS)))


def mentioned_group(match: re.Match) -> str:
    """The group named by a match of GROUP_MENTION, or of any pattern embedding GROUP_PATTERNS as `g0`..`g4`."""
    index = next(name for name, value in match.groupdict().items() if value and name[:1] == "g" and name[1:].isdigit())
    return GROUPS[int(index[1:])]
