"""What a result column means (from the aliases the parser and knowledge base use: users, avgAge, pct,
ageBand, prdtCd ...) and how its values read for people, in Korean or English."""
from __future__ import annotations

import re
from dataclasses import dataclass

from db.catalog import GROUP_NAMES_EN, PRODUCTS_BY_CODE
from core.features import FEATURE_INFO, format_amount, format_number

_STAT_LABELS = {"avg": ("평균", "average"), "min": ("최소", "minimum"), "max": ("최대", "maximum"),
                "sum": ("합계", "total")}
_FEATURE_WORDS = {"discrate": "discRate", "discount": "discRate", "household": "houseHold", "people": "houseHold",
                  "amt": "amt", "amount": "amt", "budget": "amt", "size": "size", "score": "score", "fee": "fee",
                  "revenue": "revenue", "age": "age"}
_MONEY = {"fee": ("월 요금", "monthly fee"), "revenue": ("월 매출", "monthly revenue")}  # KRW, not thousands
_COUNT = re.compile(r"^(count\(.*\)|cnt|count|n|num|users?|usercnt|usercount|customers?|customercount|"
                    r"numusers|numcustomers|totalusers|total|사용자수|고객수|인원수?)$")
_STAT = re.compile(r"^(?:round\()?(avg|average|mean|min|max|sum|total)")
_SHARE = re.compile(r"(share|pct|percent|ratio|비율|비중)")
_BAND = re.compile(r"(band|agegroup|decade|연령대)")
_DIMENSIONS = {"prdtcd": ("제품", "product"), "prdtgrpcd": ("제품군", "product group"), "id": ("고객 ID", "id"),
               **dict.fromkeys(("name_ko", "name_en", "productname"), ("제품명", "product name"))}


@dataclass(frozen=True)
class ColumnMeaning:
    """What a result column holds: role is 'count', 'share', 'measure', 'band' or 'label'."""

    name: str
    role: str
    feature: str | None = None
    stat: str | None = None

    def label(self, lang: str) -> str:
        ko = lang == "ko"
        fixed = {"count": ("사용자 수", "number of customers"), "share": ("비중", "share")}
        if self.role in fixed or (self.role, self.feature) == ("band", "age"):
            return fixed.get(self.role, ("연령대", "age band"))[0 if ko else 1]
        if self.feature in _MONEY:
            base = _MONEY[self.feature]
        elif self.feature:
            base = (FEATURE_INFO[self.feature].label_ko, FEATURE_INFO[self.feature].label_en)
        else:
            base = _DIMENSIONS.get(self.name.lower(), (self.name, self.name))
        if self.role == "band":
            return f"{base[0]} 구간" if ko else f"{base[1]} band"
        if self.stat and self.feature:
            stat = _STAT_LABELS[self.stat]
            if ko:
                return f"{base[0]} {stat[0]}" if self.stat == "sum" else f"{stat[0]} {base[0]}"
            return f"{stat[1]} {base[1]}"
        return base[0] if ko else base[1]


def describe_column(name: str) -> ColumnMeaning:
    key = re.sub(r"[\s_\"`]", "", name).lower()
    if _COUNT.match(key):
        return ColumnMeaning(name, "count")
    match = _STAT.match(key)
    stat = {"average": "avg", "mean": "avg", "total": "sum"}.get(match.group(1), match.group(1)) if match else None
    feature = next((f for word, f in _FEATURE_WORDS.items() if word in key), None)
    if _BAND.search(key) and feature not in _MONEY:
        return ColumnMeaning(name, "band", feature or "age")
    if stat and not feature and "count" in key:
        return ColumnMeaning(name, "count")
    if _SHARE.search(key):
        return ColumnMeaning(name, "share")
    if stat or feature in _MONEY:
        return ColumnMeaning(name, "measure", feature, stat)
    if feature or key in _DIMENSIONS or key.endswith(("cd", "name")):
        return ColumnMeaning(name, "label", feature)
    return ColumnMeaning(name, "measure")


def format_measure(meaning: ColumnMeaning, value, lang: str) -> str:
    """A number with its unit: 21,034명, 42.3세, 3.5만원, 30.1% / 42.3 years, 35,300 KRW.

    No "월" before a budget: every label that carries one already says 월 예산 (monthly budget).
    """
    ko = lang == "ko"
    if value is None:
        return "없음" if ko else "none"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if meaning.role == "count":
        return f"{round(value):,}명" if ko else f"{round(value):,}"
    if meaning.role == "share":
        return f"{value:,.1f}%"
    decimals = 1 if isinstance(value, float) or meaning.stat == "avg" else 0  # an average reads as one
    if meaning.feature in FEATURE_INFO:
        return format_amount(meaning.feature, value, lang, decimals)
    if meaning.feature in _MONEY:
        return f"{round(value):,}원" if ko else f"{round(value):,} KRW"
    return format_number(value, decimals)


def format_label(meaning: ColumnMeaning, value, lang: str) -> str:
    """A category as people say it: 정수기2 / water purifier 2, 40대 / 40s, 4인 가구 / 4-person households."""
    ko = lang == "ko"
    if value is None:
        return "(없음)" if ko else "(none)"
    key = meaning.name.lower()
    if key == "prdtgrpcd" and not ko:
        return GROUP_NAMES_EN.get(value, str(value))
    if key == "prdtcd" and not ko and value in PRODUCTS_BY_CODE:
        group = PRODUCTS_BY_CODE[value].group
        return f"{GROUP_NAMES_EN[group]} {value.removeprefix(group)}"
    number = as_int(value)
    if meaning.role == "band" and meaning.feature == "age":
        if number is None:
            return str(value) if ko else str(value).replace("대", "s")
        band = number * 10 if number < 10 else number
        return f"{band}대" if ko else f"{band}s"
    if meaning.role == "band" and number is not None:
        low, high = (format_measure(ColumnMeaning(meaning.name, "measure", meaning.feature), v, lang)
                     for v in (number, number + 9))
        start = f"{number * 1000:,}" if meaning.feature == "amt" else f"{number:,}"  # KRW, not thousands
        return f"{low}대" if ko else f"{start}-{high}"
    if meaning.feature == "houseHold" and number is not None:
        return f"{number}인 가구" if ko else f"{number}-person households"
    if meaning.feature in FEATURE_INFO and isinstance(value, (int, float)):
        return format_measure(ColumnMeaning(meaning.name, "measure", meaning.feature), value, lang)
    return str(value)


def as_int(value) -> int | None:
    """Whole numbers, including 40.0 and "40"; anything else is None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def split_columns(columns: list[str], rows: list) -> tuple[list[int], list[int]]:
    """Indexes of label columns and of number columns; a text-valued column is always a label."""
    labels, numbers = [], []
    for i, name in enumerate(columns):
        texty = any(isinstance(row[i], str) for row in rows)
        (labels if texty or describe_column(name).role in ("label", "band") else numbers).append(i)
    return labels, numbers
