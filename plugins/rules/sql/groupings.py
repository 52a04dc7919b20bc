"""What a result is grouped by: "연령대별", "by product group", "각 제품군", "예산 구간별", "within each group".

A grouping word the parser does not know ("성격별", "by colour") declines the question: dropping it would answer
a different question.
"""
from __future__ import annotations

from plugins.rules.sql import lexicon as lx
from plugins.rules.sql.decline import Decline
from plugins.rules.sql.scan import Scan

_NOT_GROUPINGS = ("특별", "개별", "구별", "차별", "식별", "판별", "작별", "분별", "국별", "유별")
_GROUP_ORDER = ("prdtGrpCd", "productName", "prdtCd", "ageBand", "houseHold", "discRate", "scoreBand", "amtBand",
                "sizeBand")


def read_groupings(scan: Scan, ranking: bool) -> tuple[list[str], str | None, bool]:
    """(groupings in question order, the one a share or ranking is "within", whether a distribution was asked)."""
    groups: list[tuple[int, str]] = []
    partition = None
    distribution = False
    for m in scan.take(lx.WITHIN):
        key = next(k for k, v in m.groupdict().items() if v)
        partition = key.removeprefix("ko_")
    # "top 5 customers by budget" ranks by the budget; "users by score" groups into score bands
    patterns = (lx.GROUP_BY_KO, lx.GROUP_BY_KO_EACH, lx.GROUP_BY_EN) + (() if ranking else (lx.GROUP_BY_EN_FEATURE,))
    for pattern in patterns:
        for m in scan.take(pattern):
            found = m.groupdict()
            groups.extend((m.start(key), key) for key, v in found.items() if v and key in _GROUP_ORDER)
            for name in ("first", "second"):
                if found.get(name):
                    extra = lx.DIM_EXACT[0].fullmatch(found[name]) or lx.DIM_EXACT[1].fullmatch(found[name])
                    key = extra and extra.lastgroup
                    if key:
                        groups.append((m.start(name), key))
    for m in list(lx.BAND_BY.finditer(scan.work)):
        column, start, end = scan.feature_near(m.start(), m.end())
        if column and column != lx.FEE:
            groups.append((start, "houseHold" if column == "houseHold" else f"{column}Band"))
            distribution = distribution or bool(lx.DISTRIBUTION.fullmatch(m[0]))
            scan.mask(start, end)
    ordered = [g for _, g in sorted(groups, key=lambda g: g[0])]
    if partition and partition in ordered:
        ordered.remove(partition)
    if partition:
        ordered.insert(0, partition)
    return list(dict.fromkeys(ordered)), partition, distribution


def decline_unknown_groupings(work: str) -> None:
    """A "...별" or "by ..." the parser does not know groups by something it cannot: it must not drop it."""
    for m in lx.UNKNOWN_GROUP_KO.finditer(work):
        if not (m[1] + "별").endswith(_NOT_GROUPINGS):
            raise Decline("unknown_grouping", m[0].strip())
    for m in lx.UNKNOWN_GROUP_EN.finditer(work):
        if m[1] not in lx.EN_NEUTRAL_AFTER_BY and not lx.FEATURE_WORD.match(work, m.start(1)):
            raise Decline("unknown_grouping", m[0].strip())
