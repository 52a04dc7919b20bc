"""The six model features: names in model order, units, valid ranges and fallback defaults."""
from __future__ import annotations

from dataclasses import dataclass

from core.vocabulary import GROUPS

FEATURES: tuple[str, ...] = ("age", "houseHold", "amt", "size", "score", "discRate")
PRODUCT_GROUPS: tuple[str, ...] = GROUPS  # the vocabulary is the one list of product groups


@dataclass(frozen=True)
class FeatureInfo:
    name: str
    label_ko: str
    label_en: str
    unit_ko: str
    unit_en: str
    low: float
    high: float
    fallback_default: float


FEATURE_INFO: dict[str, FeatureInfo] = {
    f.name: f
    for f in (
        FeatureInfo("age", "나이", "age", "세", "years", 19, 90, 42),
        FeatureInfo("houseHold", "가구원 수", "household size", "명", "people", 1, 8, 3),
        FeatureInfo("amt", "월 예산", "monthly budget", "천원", "thousand KRW", 5, 300, 35),
        FeatureInfo("size", "주거 평수", "home size", "평", "pyeong", 3, 120, 25),
        FeatureInfo("score", "멤버십 점수", "membership score", "점", "points", 0, 100, 50),
        FeatureInfo("discRate", "할인율", "discount rate", "%", "%", 0, 50, 10),
    )
}


def format_number(value: float, decimals: int | None = None) -> str:
    """Thousands separators; `decimals` fixes the places (averages keep one), else whole numbers stay whole."""
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    return f"{value:,.{decimals}f}"


def format_amount(name: str, value: float, lang: str, decimals: int | None = None) -> str:
    """A feature's value with its unit only: '35세', '3.5만원', '5천원', '30 pyeong', '35,000 KRW', '10%'.
    The one formatter of the six features, for replies, analytics answers and the vector panel alike."""
    if name == "amt":  # stored in thousands of KRW
        if lang != "ko":
            return f"{round(value * 1000):,} KRW"
        if value < 10:
            return f"{format_number(value, decimals)}천원"
        return f"{format_number(round(value / 10, 1))}만원"
    info = FEATURE_INFO[name]
    number = format_number(value, decimals)
    if lang == "ko":
        return f"{number}{info.unit_ko}"
    return f"{number}%" if info.unit_en == "%" else f"{number} {info.unit_en}"


def format_fact(name: str, value: float, lang: str) -> str:
    """A stated fact as a customer says it: '나이 35세', 'household of 4', 'living alone'."""
    info = FEATURE_INFO[name]
    if lang == "ko":
        return f"{info.label_ko} {format_amount(name, value, lang)}"
    if name == "age":
        return f"age {format_number(value)}"
    if name == "houseHold":
        return "living alone" if value == 1 else f"household of {format_number(value)}"
    return f"{info.label_en} {format_amount(name, value, lang)}"
