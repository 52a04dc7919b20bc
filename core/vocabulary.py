"""The product vocabulary every layer shares: the five groups, the ten codes in the model's class order,
and the groups' English names. Names, fees and descriptions live in `db.catalog`."""
from __future__ import annotations

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



def group_name(group: str, lang: str) -> str:
    return group if lang == "ko" else GROUP_NAMES_EN[group]
