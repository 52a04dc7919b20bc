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
