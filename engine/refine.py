"""One-tap refinements of the last recommendation, typed or tapped: cheaper, bigger / more people, another
product group, details of one product, a side-by-side comparison. Each keeps the facts already given and says
what it changed; the words are the ones the chat's option buttons send (see `options`)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from db.catalog import PRODUCTS, PRODUCTS_BY_CODE

_PATTERNS = {
    "cheaper": r"더\s*(?:싼|저렴한|저렴하게|싸게)|덜\s*비싼|cheaper|less\s+expensive|lower\s+(?:fee|price)",
    "bigger": r"더\s*(?:큰|넓은|많은\s*인원|많은\s*사람)|대용량|bigger|larger|more\s+people",
    "other_group": r"다른\s*제품\s*군|다른\s*종류|다른\s*제품\s*보여|another\s+(?:product\s+)?(?:group|kind|type)|"
                   r"other\s+(?:kinds?|types?|groups?)",
    "compare": r"비교|compare|side\s+by\s+side",
    "details": r"자세히|상세|details?\b|tell\s+me\s+more",
}
_READ = re.compile("|".join(f"(?P<{k}>{v})" for k, v in _PATTERNS.items()), re.IGNORECASE)

_OPTION_TEXT = {
    "cheaper": ("더 저렴한 제품 보여줘", "Show me cheaper ones"),
    "bigger": ("더 큰 제품, 더 많은 인원용으로 보여줘", "Show me bigger ones, for more people"),
    "other_group": ("다른 제품군도 보여줘", "Show me another product group"),
    "compare": ("추천 제품 비교해줘", "Compare them"),
}
_OPTION_LABEL = {
    "cheaper": ("더 저렴하게", "Cheaper"),
    "bigger": ("더 크게 · 더 많은 인원", "Bigger / more people"),
    "other_group": ("다른 제품군", "Another group"),
    "compare": ("비교하기", "Compare"),
}
# Likely answers to the fact the bot asks for next, as one-tap chips: (label, message ko, message en).
CHIPS = {
    "houseHold": (("1", "혼자 살아요", "I live alone"), ("2", "2명이 살아요", "2 people live here"),
                  ("3-4", "3-4명이 살아요", "3-4 people live here"), ("5+", "5명 이상 살아요", "5 or more people live here")),
    "age": (("20대", "25살이에요", "I'm 25"), ("30대", "35살이에요", "I'm 35"), ("40대", "45살이에요", "I'm 45"),
            ("50대+", "58살이에요", "I'm 58")),
    "amt": (("2만원", "월 2만원 정도요", "About 20,000 KRW a month"), ("3만원", "월 3만원 정도요", "About 30,000 KRW a month"),
            ("5만원", "월 5만원 정도요", "About 50,000 KRW a month")),
    "size": (("10평", "10평이에요", "10 pyeong"), ("20평", "20평이에요", "20 pyeong"), ("30평", "30평이에요", "30 pyeong"),
             ("40평+", "40평이에요", "40 pyeong")),
    "discRate": (("없음", "할인은 없어요", "No discount"), ("10%", "할인율 10%예요", "My discount rate is 10%"),
                 ("20%", "할인율 20%예요", "My discount rate is 20%")),
}


@dataclass(frozen=True)
class Refinement:
    kind: str  # cheaper, bigger, other_group, compare or details
    code: str | None = None  # the product asked about, for details


def read_refinement(text: str) -> Refinement | None:
    """The refinement a message asks for, or None for an ordinary message about oneself."""
    text = text or ""
    code = next((p.code for p in PRODUCTS if p.code in text or p.name_ko in text or p.name_en.lower() in text.lower()),
                None)
    words = text
    for product in PRODUCTS:  # "대용량 공기청정기 자세히" asks about a product, not for a bigger one
        words = re.sub(re.escape(product.name_en), " ", words.replace(product.name_ko, " "), flags=re.IGNORECASE)
    kinds = {m.lastgroup for m in _READ.finditer(words)}
    kind = next((k for k in ("compare", "details", "cheaper", "other_group", "bigger") if k in kinds), None)
    return Refinement(kind, code) if kind else None


def options(top_codes: list[str], ask_next: str | None, lang: str) -> list[dict]:
    """Gradio message options under a recommendation: chips for the asked-next fact, then the refinements and a
    details button per product. Each value is the message it sends, so typing it does the same."""
    ko = lang == "ko"
    found = []
    for label, text_ko, text_en in CHIPS.get(ask_next or "", ()):
        found.append({"label": label, "value": text_ko if ko else text_en})
    for kind in ("cheaper", "bigger", "other_group", "compare"):
        found.append({"label": _OPTION_LABEL[kind][0 if ko else 1], "value": _OPTION_TEXT[kind][0 if ko else 1]})
    for code in top_codes:
        name = PRODUCTS_BY_CODE[code].name(lang)
        found.append({"label": f"{name} 자세히" if ko else f"{name}: details",
                      "value": f"{name} 자세히 알려줘" if ko else f"Tell me more about {name}"})
    return found
