"""Product cards, the comparison table and the details view for the customer chat, built from the trace's
`card` objects. Every value is escaped; the pictures are the project's own SVG files (ui/assets/products),
inlined as data: URIs in <img> tags so nothing is fetched and no SVG script could run."""
from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

from db.catalog import CONTRACT_MONTHS, PRODUCTS_BY_CODE
from ui.render import esc

ASSETS = Path(__file__).resolve().parent / "assets" / "products"
_SLUGS = {"정수기": "water", "공기청정기": "air", "비데": "bidet", "식기세척기": "dish", "매트리스": "mattress"}
_LABELS = {
    "fee": ("월 렌탈료", "Monthly fee"),
    "months": ("{n}개월 약정", "{n}-month contract"),
    "your_fee": ("할인가 {rate}%", "With your {rate}% discount"),
    "registration": ("등록비", "Registration fee"),
    "care": ("케어 방문", "Care visits"),
    "care_value": ("연 {n}회", "{n} a year"),
    "features": ("주요 기능", "Key features"),
    "why": ("추천 이유", "Why"),
    "none": ("없음", "none"),
    "product": ("제품", "Product"),
}


def _label(key: str, lang: str, **values) -> str:
    ko, en = _LABELS[key]
    return (ko if lang == "ko" else en).format(**values)


def picture_file(code: str) -> Path:
    product = PRODUCTS_BY_CODE[code]
    return ASSETS / f"{_SLUGS[product.group]}-{code[len(product.group):]}.svg"


@lru_cache(maxsize=None)
def picture_uri(code: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(picture_file(code).read_bytes()).decode("ascii")


def _won(amount: int, lang: str) -> str:
    return f"{amount:,}원" if lang == "ko" else f"{amount:,} KRW"


def _fee_rows(card: dict, lang: str) -> str:
    rows = []
    for months in map(str, CONTRACT_MONTHS):
        fee = card["fees"][months]
        cell = _won(fee, lang)
        if card.get("discounted_fees"):
            cell = f"<s>{esc(cell)}</s> <b>{esc(_won(card['discounted_fees'][months], lang))}</b>"
        else:
            cell = esc(cell)
        rows.append(f"<tr><td>{esc(_label('months', lang, n=months))}</td><td>{cell}</td></tr>")
    return "".join(rows)


def card_html(card: dict, lang: str) -> str:
    features = "".join(f"<li>{esc(f)}</li>" for f in card["features"])
    registration = _won(card["registration_fee"], lang) if card["registration_fee"] else _label("none", lang)
    rate = card.get("discount_rate")
    discount = f'<p class="rc-card-discount">{esc(_label("your_fee", lang, rate=f"{rate:g}"))}</p>' if rate else ""
    return (
        f'<div class="rc-card" data-code="{esc(card["code"])}">'
        f'<img class="rc-card-picture" src="{picture_uri(card["code"])}" alt="{esc(card["name"])}" width="96" height="96">'
        f'<div class="rc-card-body"><p class="rc-card-rank">{esc(card["rank"])}</p>'
        f'<h4>{esc(card["name"])}</h4><ul>{features}</ul>{discount}'
        f'<table class="rc-card-fees">{_fee_rows(card, lang)}</table>'
        f'<p>{esc(_label("registration", lang))}: {esc(registration)} · {esc(_label("care", lang))}: '
        f'{esc(_label("care_value", lang, n=card["care_visits"]))}</p>'
        f'<p class="rc-card-why">{esc(_label("why", lang))}: {esc(card["why"])}</p></div></div>'
    )


def cards_html(top: list[dict], lang: str) -> str:
    return '<div class="rc-cards">' + "".join(card_html(item["card"], lang) for item in top) + "</div>"


def comparison_html(top: list[dict], lang: str) -> str:
    """Products as columns, the same attributes as rows."""
    cards = [item["card"] for item in top]
    head = "".join(f'<th><img src="{picture_uri(c["code"])}" alt="" width="48" height="48"><br>{esc(c["name"])}</th>'
                   for c in cards)
    rows = [(_label("product", lang), [c["rank"] for c in cards])]
    for months in map(str, CONTRACT_MONTHS):
        rows.append((_label("months", lang, n=months),
                     [_won((c.get("discounted_fees") or c["fees"])[months], lang) for c in cards]))
    rows.append((_label("registration", lang),
                 [_won(c["registration_fee"], lang) if c["registration_fee"] else _label("none", lang) for c in cards]))
    rows.append((_label("care", lang), [_label("care_value", lang, n=c["care_visits"]) for c in cards]))
    for i in range(3):
        rows.append((_label("features", lang) if i == 0 else "", [c["features"][i] for c in cards]))
    body = "".join(f"<tr><th>{esc(name)}</th>{''.join(f'<td>{esc(v)}</td>' for v in values)}</tr>"
                   for name, values in rows)
    return f'<table class="rc-compare"><thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table>'


def details_html(top: list[dict], lang: str) -> str:
    item = top[0]["card"]
    return card_html(item, lang) + f'<p class="rc-card-description">{esc(item["description"])}</p>'


def turn_html(trace: dict) -> str:
    """What goes under the reply text: cards, or the comparison table, or one product's details."""
    lang, kind = trace.get("language", "en"), (trace.get("refinement") or {}).get("kind")
    if not trace.get("top"):
        return ""
    if kind == "compare":
        return comparison_html(trace["top"], lang)
    if kind == "details":
        return details_html(trace["top"], lang)
    return cards_html(trace["top"], lang)
