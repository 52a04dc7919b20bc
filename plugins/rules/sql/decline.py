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


# What the user reads for each reason, Korean then English; {detail} is the words of the question concerned.
SAYS: dict[str, tuple[str, str]] = {
    "unsupported": ("고객 표로는 '{detail}'에 답할 수 없어요.", "The customer table cannot answer '{detail}'."),
    "unknown_product": ("카탈로그에 '{detail}' 제품 코드가 없어요.", "The catalogue has no product code '{detail}'."),
    "average_without_feature": ("무엇의 평균과 비교할지 알 수 없어요.", "It compares with an average without saying of what."),
    "unread_number": ("'{detail}'의 숫자를 어느 조건에 쓸지 알 수 없어요.",
                      "I could not tell what the number in '{detail}' applies to."),
    "impossible_value": ("'{detail}': 0보다 작을 수 없는 값이에요.", "'{detail}': that value cannot be below zero."),
    "impossible_limit": ("상위·하위 개수는 1 이상의 적당한 수여야 해요.", "A top or bottom count must be a sensible number of 1 or more."),
    "unknown_grouping": ("'{detail}' 기준으로 나눌 수 있는 열이 없어요.", "There is no column to group by in '{detail}'."),
    "nothing_to_compare": ("무엇과 무엇을 비교할지 두 가지를 말해 주세요.", "Name the two things to compare."),
    "unused_feature": ("질문에 나온 항목 하나를 어디에 쓸지 알 수 없어요.", "One feature the question names is not used by anything it asks."),
    "unread_comparison": ("'{detail}' 비교를 어느 숫자에 붙일지 알 수 없어요.",
                          "I could not attach the comparison '{detail}' to a number."),
    "unknown_word": ("'{detail}'라는 말을 몰라서, 짐작하면 다른 질문이 될 수 있어요.",
                     "I don't know the word '{detail}', and guessing could answer a different question."),
    "ranking_without_feature": ("무엇을 기준으로 순위를 매길지 알려 주세요.", "Say what to rank the customers by."),
    "share_without_subject": ("무엇의 비율인지 알려 주세요.", "Say what the share is of."),
    "followup_without_context": ("이어지는 질문인데, 앞의 질문을 읽지 못했어요.", "It continues a question I could not read."),
    "not_understood": ("무엇을 계산할지 찾지 못했어요.", "I found nothing to compute in it."),
    "glossary_shape": ("업무 용어는 고객 표에 대한 단순한 질문에서만 쓸 수 있어요.",
                       "A business term works only in a plain question over the customer table."),
    "ambiguous": ("", ""),  # asked back with its readings instead (see AMBIGUOUS_CHOICES)
}
MAX_DETAIL_CHARS = 40  # the quoted words of the question; a long one is shortened


def says(reason: str, detail: str = "") -> dict[str, str]:
    """The reason in both languages, for SqlResult.why; empty where the reason quotes words it was not given."""
    quoted = detail if len(detail) <= MAX_DETAIL_CHARS else detail[:MAX_DETAIL_CHARS] + "…"
    texts = SAYS.get(reason, ("", ""))
    if "{detail}" in texts[0] and not quoted.strip():
        return {}
    return {lang: text.format(detail=quoted) for lang, text in zip(("ko", "en"), texts) if text}


class Decline(Exception):
    """The question holds something the parser must not guess at; `subject` names the column (or "limit") an
    impossible value was stated for, so the suggestions can show what that column really holds."""

    def __init__(self, reason: str, detail: str = "", subject: str | None = None):
        if reason not in REASONS:
            raise ValueError(f"undocumented decline reason {reason!r}")
        super().__init__(reason)
        self.reason, self.detail, self.subject = reason, detail, subject
