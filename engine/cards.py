"""A product card per recommended product: what a renter weighs before signing (fee by contract length, with the
customer's own discount when they stated one, registration fee, care visits, three features) and one line of why
it fits, built from the facts that moved the ranking. Plain data: the UI escapes and draws it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from core.features import format_amount, format_fact
from db.catalog import CONTRACT_MONTHS, PRODUCTS_BY_CODE, group_name

if TYPE_CHECKING:
    from engine.recommend import Pick, Recommendation

# Rank words instead of softmax percentages: within a named group the model is so peaked that "100%" reads as a
# promise. The probabilities stay in the vector panel.
RANK_LABELS = (("가장 잘 맞아요", "Best match"), ("이것도 좋아요", "Also good"), ("다른 선택지", "Another option"))


def rank_label(index: int, lang: str) -> str:
    ko, en = RANK_LABELS[min(index, len(RANK_LABELS) - 1)]
    return ko if lang == "ko" else en


def discounted(fee: int, rate: float) -> int:
    """A fee less the customer's discount, rounded down to 100 KRW as rental bills are."""
    return int(fee * (100 - rate) / 100) // 100 * 100


def customer_discount(rec: Recommendation) -> float | None:
    """The discount rate the customer stated (or carried from an earlier turn); an assumed one is not applied."""
    report = rec.vector
    if report.sources.get("discRate") in ("extracted", "carried") and report.features["discRate"] > 0:
        return float(report.features["discRate"])
    return None


def why_line(rec: Recommendation, pick: Pick, index: int) -> str:
    report, lang = rec.vector, rec.vector.language
    product = PRODUCTS_BY_CODE[pick.code]
    names = rec.drivers or [n for n, s in report.sources.items() if s in ("extracted", "carried")][:3]
    facts = ", ".join(format_fact(n, report.features[n], lang) for n in names)
    budget = ""
    if report.sources.get("amt") in ("extracted", "carried"):
        within = product.monthly_fee <= report.features["amt"] * 1000
        amount = format_amount("amt", report.features["amt"], lang)
        if lang == "ko":
            budget = f" 월 예산 {amount} {'안에 들어요' if within else '보다 조금 높아요'}."
        else:
            budget = f" {'Within' if within else 'A little over'} your {amount} monthly budget."
    if not facts:
        group = group_name(product.group, lang)
        return (f"많은 고객이 선택한 {group}예요.{budget}" if lang == "ko"
                else f"A {group} many customers like you choose.{budget}")
    if lang == "ko":
        lead = "가장 잘 맞아요" if index == 0 else "잘 맞는 편이에요"
        return f"{facts} 기준으로 {lead}.{budget}"
    lead = "fits you best" if index == 0 else "also fits"
    return f"Given your {facts}, this {lead}.{budget}"


def build_card(rec: Recommendation, pick: Pick, index: int) -> dict:
    lang = rec.vector.language
    product = PRODUCTS_BY_CODE[pick.code]
    rate = customer_discount(rec)
    return {
        "code": product.code,
        "group": group_name(product.group, lang),
        "rank": rank_label(index, lang),
        "name": product.name(lang),
        "description": product.description_ko if lang == "ko" else product.description_en,
        "features": list(product.features(lang)),
        "fees": {str(m): product.fees[m] for m in CONTRACT_MONTHS},
        "discount_rate": rate,
        "discounted_fee": discounted(product.monthly_fee, rate) if rate else None,
        "discounted_fees": {str(m): discounted(product.fees[m], rate) for m in CONTRACT_MONTHS} if rate else None,
        "registration_fee": product.registration_fee,
        "care_visits": product.care_visits,
        "why": why_line(rec, pick, index),
    }
