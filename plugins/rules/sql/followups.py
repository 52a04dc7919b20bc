"""Follow-up questions folded onto the intent of the turns before them: "그럼 40대는?" keeps the earlier measures
and groupings and only swaps the age filter.
"""
from __future__ import annotations

from dataclasses import replace

from plugins.rules.sql.intent import FILTER_KINDS, Intent, Measure, Parsed, sort_filters


def _features_of(intent: Intent) -> list[str]:
    cols = [m.column for m in intent.measures if m.column]
    return list(dict.fromkeys(cols or ([intent.row_column] if intent.row_column else [])))


def apply_followup(base: Intent, part: Parsed) -> Intent:
    """Carry `base` and let `part` replace what it restates: measures, same-kind filters, groupings, order."""
    new = part.intent
    changes: dict = {}
    if part.explicit_measure:
        changes.update(measures=new.measures, share=new.share, rows=new.rows, row_column=new.row_column,
                       catalog=new.catalog, order_key=new.order_key, attrs=new.attrs)
    elif part.loose_aggregates:
        cols = _features_of(base) or []
        changes["measures"] = tuple(Measure(f, c) for f in part.loose_aggregates for c in cols) or base.measures
        changes["order_key"] = None
    elif part.loose_features:
        previous = next((m.func for m in base.measures if m.column), "avg")
        changes["measures"] = tuple(Measure(previous, c) for c in part.loose_features)
        changes["order_key"] = None
    filters = {} if part.reset_filters else {f.kind: f for f in base.filters}
    filters.update({flt.kind: flt for flt in new.filters})
    changes["filters"] = sort_filters(filters.values())
    if new.groups and not part.implied_grouping:
        groups = base.groups + tuple(g for g in new.groups if g not in base.groups) if part.add_groups else new.groups
        changes.update(groups=groups, partition=new.partition)
    if new.order:
        changes.update(order=new.order, limit=new.limit, order_key=new.order_key or changes.get("order_key"))
    population = set(new.population) if part.explicit_measure else set(base.population)
    if part.followup and new.share and not (changes.get("groups") or base.groups):
        population |= {f.kind for f in base.filters if f.kind not in {g.kind for g in new.filters}}
    changes["population"] = tuple(k for k in FILTER_KINDS if k in population and k in filters)
    merged = replace(base, **changes)
    if merged.order_key not in {m.alias for m in merged.measures} | {"sharePct"}:
        merged = replace(merged, order_key=None)
    if merged.order and merged.groups and merged.order_key is None and merged.measures:
        merged = replace(merged, order_key=merged.measures[0].alias)  # a carried "top 3" ranks the new measure
    return merged


def fold(parts: list[Parsed]) -> tuple[Intent | None, int]:
    """Fold the history's readings and the new question into one intent; returns it and how many turns it used.

    A turn that could not be read breaks the chain, since what it asked is unknown.
    """
    state: Intent | None = None
    used = 0
    for part in parts:
        if part.declined is not None:
            state, used = None, 0
            continue
        if state is None or part.standalone:
            state = part.intent if part.answerable else None
            used = 1 if state is not None else 0
        else:
            state = apply_followup(state, part)
            used += 1
    return state, used
