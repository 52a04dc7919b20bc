"""The rules SQL parser's one orchestrator: a marketing question, with the turns before it, to one intent.

`parse_question` runs the stages over one question in order. Each stage blanks the words it used, so later stages
cannot read the same words twice, and whatever is left over (an unread number, an unknown "...별" grouping, an
unknown word) makes the parser decline. Every stage declines the same way, by raising `Decline`.
"""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from plugins.rules.sql import lexicon as lx
from plugins.rules.sql.contract import contract_term
from plugins.rules.sql.decline import Decline
from plugins.rules.sql.filters import merge_filters, product_filter, special_filters, top_n, top_rows
from plugins.rules.sql.followups import fold
from plugins.rules.sql.groupings import decline_unknown_groupings, read_groupings
from plugins.rules.sql.intent import Filter, Intent, Parsed, sort_filters
from plugins.rules.sql.measures import read_measures
from plugins.rules.sql.quantities import read_numeric_filters
from plugins.rules.sql.scan import Scan


def read_conversation(question: str, history: tuple[str, ...] = ()) -> tuple[Intent, int]:
    """The intent of `question` asked after the `history` questions, and how many turns it draws on.
    Raises Decline when the question, or the conversation it continues, cannot be read."""
    current = _parse_cached(question)
    if current.declined is not None:
        raise Decline(current.declined, current.detail, current.subject)
    intent, used = fold([_parse_cached(turn) for turn in history] + [current])
    if intent is None:
        raise Decline("followup_without_context" if current.followup else "not_understood")
    if current.ambiguous and (used == 1 or not intent.groups):  # no earlier turn says what to rank
        raise Decline("ambiguous")
    return intent, used


@lru_cache(maxsize=1024)
def _parse_cached(question: str) -> Parsed:
    """History questions are re-read on every turn; their readings never change."""
    return parse_question(question)


def parse_question(question: str) -> Parsed:
    """One question read on its own. A decline is kept on the reading rather than raised, because a later
    turn must know that the conversation broke here."""
    try:
        return _read(Scan(question))
    except Decline as exc:
        return Parsed(declined=exc.reason, detail=exc.detail, subject=exc.subject)


def _read(scan: Scan) -> Parsed:
    scan.take(lx.PRESENTATION)
    unsupported = lx.UNSUPPORTED.search(scan.work)
    if unsupported:
        raise Decline("unsupported", unsupported[0].strip())
    followup = bool(scan.take(lx.FOLLOWUP_START)) | bool(scan.take(lx.FOLLOWUP_ANYWHERE))
    add_groups = bool(scan.take(lx.ADD_GROUPING))
    reset = bool(lx.RESET_FILTERS.search(scan.work))
    filters: list[Filter] = []
    product = product_filter(scan)
    if product:
        filters.append(product)
    months = contract_term(scan)
    filters += special_filters(scan)
    for m in list(lx.BAND_WIDTH.finditer(scan.work)):
        scan.mask(m.start(), m.end())
    top = top_n(scan)
    filters += read_numeric_filters(scan)
    top = top_rows(scan, top)
    leftover = lx.LEFTOVER_NUMBER.search(scan.work)
    if leftover:
        raise Decline("unread_number", scan.text[max(0, leftover.start() - 8): leftover.end() + 8].strip())
    groups, partition, distribution = read_groupings(scan, bool(top) or bool(lx.SUPERLATIVE.search(scan.work)))
    decline_unknown_groupings(scan.work)
    parsed = read_measures(scan, sort_filters(merge_filters(filters)), groups, partition, top, followup=followup,
                           add_groups=add_groups, reset=reset, distribution=distribution)
    return replace(parsed, intent=replace(parsed.intent, fee_months=months)) if months else parsed
