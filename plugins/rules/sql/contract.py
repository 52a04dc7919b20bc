"""A contract length ("3년 약정", "36개월", "on a 3-year contract") picks which monthly-fee column a fee
question reads: the catalogue has one per length (fee36, fee48, fee60) and monthlyFee is the 60-month one."""
from __future__ import annotations

import re

from db.catalog import CONTRACT_MONTHS

_WORD_KO = r"(?:약정|계약|의무\s*사용|렌탈(?!\s*료))"
_WORD_EN = r"(?:contracts?|terms?|plans?|rentals?)"
CONTRACT_TERM = re.compile(
    rf"(?P<years>\d+)\s*년\s*{_WORD_KO}|(?P<months>\d+)\s*개월(?:\s*{_WORD_KO})?"
    rf"|(?:(?:on|with|for)\s+an?\s+)?(?:(?P<en_years>\d+)[\s-]*years?|(?P<en_months>\d+)[\s-]*months?)[\s-]+{_WORD_EN}"
)


def contract_term(scan) -> int | None:
    """The contract months a question names (masked so its number is not read as a filter), or None.
    A length the catalogue does not offer is left unread, so the parser declines its number."""
    for m in CONTRACT_TERM.finditer(scan.work):
        value = int(next(v for v in m.groups() if v is not None))
        months = value * 12 if (m["years"] or m["en_years"]) else value
        if months in CONTRACT_MONTHS:
            scan.mask(m.start(), m.end())
            return months
    return None
