"""The one way the rules SQL parser declines: any stage raises `Decline(reason, detail)`.

The parser never guesses, so a question it cannot fully read gets no SQL of its own; the generator answers a
decline with a near-identical knowledge-base pair or with three questions it can answer. The reason goes into
the backend's raw output, where the "show SQL" panel shows it.
"""
from __future__ import annotations

REASONS: dict[str, str] = {
    "unsupported": "asks about something the customer table does not hold (dates, gender, region, medians, ...)",
    "unknown_product": "names a product code the catalogue does not have",
    "average_without_feature": "compares with an average without saying of what",
    "unread_number": "holds a number no filter could use",
    "impossible_value": "states a value below zero for a column that cannot hold one (age, household, budget, ...)",
    "impossible_limit": "asks for the top or bottom N with N zero, negative or past what a LIMIT can hold",
    "unknown_grouping": "groups by something that is not a column",
    "nothing_to_compare": "asks for a comparison without naming two sides",
    "unused_feature": "names a feature that nothing in the question uses",
    "unread_comparison": "holds a comparison the parser could not attach to a number",
    "unknown_word": "holds a word the parser does not know, which may change the question",
    "ranking_without_feature": "ranks customers without saying by what",
    "share_without_subject": "asks for a share without saying of what",
    "followup_without_context": "continues a conversation whose earlier questions could not be read",
    "not_understood": "names nothing to compute",
    "ambiguous": "ranks without saying what (products, groups, ages, households): it has several readings",
    "glossary_shape": "uses a business term in a question whose query is not a plain one over customer",
}


class Decline(Exception):
    """The question holds something the parser must not guess at; `subject` names the column (or "limit") an
    impossible value was stated for, so the suggestions can show what that column really holds."""

    def __init__(self, reason: str, detail: str = "", subject: str | None = None):
        if reason not in REASONS:
            raise ValueError(f"undocumented decline reason {reason!r}")
        super().__init__(reason)
        self.reason, self.detail, self.subject = reason, detail, subject
