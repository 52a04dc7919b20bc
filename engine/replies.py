"""The recommendation reply, in the customer's language: picks with fees, what drove them, what was assumed, and a
question about any fact stated with an impossible value or with values that disagree."""
from __future__ import annotations

from typing import TYPE_CHECKING

from db.catalog import PRODUCTS_BY_CODE, group_name
from core.features import FEATURE_INFO, format_amount, format_fact
from engine.cards import rank_label
from engine.korean import ro, topic

if TYPE_CHECKING:  # the pipeline in engine.recommend calls compose_reply, so only the type comes from there
    from engine.recommend import Recommendation
    from engine.vector import VectorReport

_QUESTIONS = {
    "age": ("나이가 어떻게 되세요?", "How old are you?"),
    "houseHold": ("몇 명이 함께 사세요?", "How many people live in your home?"),
    "amt": ("한 달 렌탈 예산은 얼마 정도인가요?", "What monthly rental budget do you have in mind?"),
    "size": ("집 평수(또는 ㎡)가 어떻게 되세요?", "How big is your home (pyeong or m²)?"),
    "score": ("멤버십 점수를 알고 계신가요?", "Do you know your membership score?"),
    "discRate": ("받으실 수 있는 할인율이 있나요?", "Do you have a discount rate with us?"),
}


def format_probability(probability: float) -> str:
    return "<1%" if probability < 0.005 else f"{probability:.0%}"


def format_fee(code: str, lang: str) -> str:
    """A product's monthly fee as the chat and the 'show vector' panel both write it."""
    fee = PRODUCTS_BY_CODE[code].monthly_fee
    return f"월 {fee:,}원" if lang == "ko" else f"{fee:,} KRW/month"


def doubt_line(report: VectorReport, name: str) -> str:
    """What was wrong with a stated fact, what the model used instead, and the question that settles it."""
    lang, doubt = report.language, report.doubtful[name]
    info, said = FEATURE_INFO[name], ", ".join(doubt["stated"])
    fact = format_fact(name, report.features[name], lang)
    ko_question, en_question = _QUESTIONS[name]
    if lang == "ko":
        if doubt["reason"] == "impossible":
            problem = f"말씀하신 {info.label_ko}({said}){topic(info.label_ko)[len(info.label_ko):]} 실제 값일 수 없어서"
        else:
            problem = f"{info.label_ko}에 대해 서로 다른 값을 말씀하셔서({said})"
        used = f"앞서 말씀하신 {ro(fact)}" if report.sources[name] == "carried" else f"우선 고객 평균인 {ro(fact)}"
        return f"{problem} 추천에 쓰지 않고 {used} 계산했어요. {ko_question}"
    if doubt["reason"] == "impossible":
        problem = f"The {info.label_en} you gave ({said}) can't be right, so I didn't use it"
    else:
        problem = f"You gave different {info.label_en}s ({said}), so I didn't use them"
    used = (f"I kept what you told me earlier, {fact}" if report.sources[name] == "carried"
            else f"for now I assumed a typical value, {fact}")
    return f"{problem}; {used}. {en_question}"


def refinement_line(rec: Recommendation) -> str | None:
    """What a refinement changed, said before the picks, so a customer sees why the list moved."""
    if rec.refinement is None:
        return None
    ko, kind, note = rec.vector.language == "ko", rec.refinement.kind, rec.note
    if kind == "cheaper":
        ceiling = f"월 {note['below_fee']:,}원" if ko else f"{note['below_fee']:,} KRW/month"
        if rec.top and rec.top[0].code == note.get("kept") and PRODUCTS_BY_CODE[note["kept"]].monthly_fee >= note["below_fee"]:
            return ("이보다 저렴한 제품은 없어요. 보여드린 것 중 가장 저렴한 제품이에요:" if ko
                    else "There is nothing cheaper than that; this is the cheapest of what I showed:")
        return f"{ceiling}보다 저렴한 제품만 골랐어요:" if ko else f"Only products below {ceiling}:"
    if kind == "bigger":
        facts = ", ".join(format_fact(n, v, rec.vector.language) for n, v in note["widened"].items())
        return (f"더 큰 집과 더 많은 인원({facts})으로 다시 골랐어요:" if ko
                else f"Picked again for a bigger home and more people ({facts}):")
    if kind == "other_group":
        groups = ", ".join(group_name(g, rec.vector.language) for g in note["not_groups"])
        return f"{groups} 말고 다른 제품군에서 골랐어요:" if ko else f"From product groups other than {groups}:"
    if kind == "compare":
        return "추천 제품을 나란히 비교해 드릴게요:" if ko else "Here they are side by side:"
    return "제품 정보를 자세히 알려드릴게요:" if ko else "Here are the details:"


def compose_reply(rec: Recommendation) -> str:
    lang, report = rec.vector.language, rec.vector
    lines = []
    refined = refinement_line(rec)
    if refined:
        lines.append(refined)
    elif report.product_group:
        group = group_name(report.product_group, lang)
        lines.append(f"{group} 중에서 추천드려요:" if lang == "ko" else f"Here are my {group} picks for you:")
    else:
        lines.append("고객님께 맞는 제품을 추천드려요:" if lang == "ko" else "Here are the products that fit you best:")
    for i, pick in enumerate(rec.top):
        product = PRODUCTS_BY_CODE[pick.code]
        lines.append(f"{i + 1}. {rank_label(i, lang)}: {product.name(lang)} ({pick.code}) — {format_fee(pick.code, lang)}")
    stated = [n for n, s in report.sources.items() if s in ("extracted", "carried")]
    assumed = [n for n, s in report.sources.items() if s == "default" and n not in report.doubtful]
    if rec.drivers:
        facts = ", ".join(format_fact(n, report.features[n], lang) for n in rec.drivers)
        lines.append(f"가장 크게 작용한 정보: {facts}." if lang == "ko" else f"What mattered most: {facts}.")
    elif stated:
        facts = ", ".join(format_fact(n, report.features[n], lang) for n in stated)
        lines.append(f"말씀하신 정보: {facts}." if lang == "ko" else f"What you told me: {facts}.")
    for name, change in report.clamped.items():
        stated, used = format_amount(name, change["stated"], lang), format_amount(name, change["used"], lang)
        if lang == "ko":
            label = FEATURE_INFO[name].label_ko
            lines.append(f"{label} {topic(stated)} 학습 범위를 벗어나 {ro(used)} 맞춰 계산했어요.")
        else:
            lines.append(f"Your {FEATURE_INFO[name].label_en} ({stated}) is outside what the model knows, "
                         f"so I used {used}.")
    if assumed:
        values = ", ".join(format_fact(n, report.features[n], lang) for n in assumed)
        lines.append(f"말씀하지 않은 정보는 고객 평균으로 가정했어요: {values}." if lang == "ko"
                     else f"For what you didn't mention I assumed typical values: {values}.")
    lines += [doubt_line(report, name) for name in report.doubtful]
    if rec.ask_next and not report.doubtful:  # a doubtful fact's question is the one to ask
        ko, en = _QUESTIONS[rec.ask_next]
        lines.append(f"{ko} 알려주시면 더 정확하게 추천해 드릴게요." if lang == "ko"
                     else f"{en} Telling me would sharpen the recommendation.")
    return "\n".join(lines)
