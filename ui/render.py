"""Builds every panel's HTML and chat text from numbers and escaped strings, never from raw user/LLM/SQL text."""
from __future__ import annotations

import html
import re

from db.catalog import PRODUCTS, group_name
from core.features import FEATURE_INFO, FEATURES, format_number
from engine.replies import format_fee, format_probability
from ui.labels import both, text

BAR_CELLS = 10
# Markdown punctuation that could turn message text into links, images, emphasis or tables.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()!#|~{}$])")
_LIST_ITEM = re.compile(r"^(\d+)\\?\.\s")


def literal(value) -> str:
    """Text shown exactly as written in a markdown chat bubble: HTML escaped and markdown neutralised."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(value), quote=False))


def esc(value) -> str:
    return html.escape(str(value), quote=True)


def text_bar(probability: float, cells: int = BAR_CELLS) -> str:
    filled = max(0, min(cells, round(float(probability) * cells)))
    return "▰" * filled + "▱" * (cells - filled)


def recommendation_message(reply: str, top: list[dict]) -> str:
    """The engine's reply for the chat: escaped, each of the top picks followed by a probability bar,
    and blank lines around the numbered list so the lines after it do not fold into the last item."""
    lines, out, in_list = reply.splitlines(), [], False
    for line in lines:
        escaped = literal(line)
        match = _LIST_ITEM.match(line)
        index = int(match.group(1)) - 1 if match else -1
        if 0 <= index < len(top):
            if not in_list:
                out.append("")
            in_list = True
            escaped = f"{escaped}  {text_bar(top[index]['probability'])}"
        elif in_list:
            out.append("")
            in_list = False
        out.append(escaped)
    return "\n".join(out).strip()


def _source_badge(source: str, lang: str) -> str:
    return f'<span class="rc-badge rc-{esc(source)}">{esc(text(source, lang))}</span>'


def vector_panel(trace: dict) -> str:
    """The 'show vector' panel: six features with unit and source, the group, the backend and its latency,
    the top picks as bars, and the raw backend output folded away."""
    lang = trace.get("language", "en")
    rows = []
    for name in FEATURES:
        info = FEATURE_INFO[name]
        label = info.label_ko if lang == "ko" else info.label_en
        unit = info.unit_ko if lang == "ko" else info.unit_en
        source = trace["sources"][name]
        cell = _source_badge(source, lang)
        doubt = (trace.get("doubtful") or {}).get(name)
        if isinstance(doubt, dict):  # stated, but not usable: shown as such, never as "not mentioned"
            stated = ", ".join(str(v) for v in doubt.get("stated", []))[:60]
            cell += (f' <span class="rc-badge rc-clamped">{esc(text("doubtful", lang))}'
                     f'{": " + esc(stated) if stated else ""}</span>')
        clamp = trace.get("clamped", {}).get(name)
        if clamp:
            cell += (f' <span class="rc-badge rc-clamped" title="{esc(format_number(clamp["stated"]))} → '
                     f'{esc(format_number(clamp["used"]))}">{esc(text("clamped", lang))} '
                     f'{esc(format_number(clamp["stated"]))} → {esc(format_number(clamp["used"]))}</span>')
        rows.append(
            f"<tr><td>{esc(label)} <code>{esc(name)}</code></td>"
            f'<td class="rc-num">{esc(format_number(trace["features"][name]))}</td>'
            f"<td>{esc(unit)}</td><td>{cell}</td></tr>"
        )
    group = trace.get("product_group")
    group_text = f"{group_name(group, lang)}" if group else text("any_group", lang)
    backend = esc(trace.get("backend", ""))
    fallback = trace.get("fallback")
    if fallback:
        backend += f' <span class="rc-muted">({esc(text("requested", lang))}: {esc(fallback["requested"])})</span>'
    facts = (
        f'<dl class="rc-facts"><dt>{esc(text("product_group", lang))}</dt><dd>{esc(group_text)}</dd>'
        f'<dt>{esc(text("backend_used", lang))}</dt><dd>{backend}</dd>'
        f'<dt>{esc(text("latency", lang))}</dt><dd>{float(trace.get("latency_ms", 0.0)):,.1f} ms</dd></dl>'
    )
    head = "".join(f"<th>{esc(text(key, lang))}</th>" for key in ("feature", "value", "unit", "source"))
    table = f'<table class="rc-vector"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    return (
        f'<div class="rc-panel">{table}{facts}{probability_bars(trace.get("top", []), lang)}'
        f'<details class="rc-raw"><summary>{esc(both("raw_output"))}</summary>'
        f'<pre>{esc(trace.get("raw", ""))}</pre></details></div>'
    )


def probability_bars(top: list[dict], lang: str) -> str:
    if not top:
        return ""
    items = []
    for pick in top:
        share = max(0.0, min(1.0, float(pick["probability"]))) * 100
        fee = format_fee(pick["prdtCd"], lang)
        items.append(
            f'<li><div class="rc-bar-label"><span>{esc(pick["name"])} <code>{esc(pick["prdtCd"])}</code></span>'
            f'<span class="rc-muted">{esc(fee)} · {format_probability(share / 100)}</span></div>'
            f'<div class="rc-bar"><div class="rc-bar-fill" style="width:{share:.1f}%"></div></div></li>'
        )
    return f'<h4>{esc(text("top_products", lang))}</h4><ol class="rc-bars">{"".join(items)}</ol>'


def empty_panel(key: str) -> str:
    return f'<div class="rc-panel rc-muted">{esc(text(key, "ko"))}<br>{esc(text(key, "en"))}</div>'


def examples_panel(examples: list) -> str:
    """Knowledge-base examples the SQL generator was shown, with their similarity score."""
    if not examples:
        return empty_panel("panel_empty_examples")
    items = "".join(
        f'<li><div>{esc(ex.question)} <span class="rc-muted">({float(ex.score):.2f})</span></div>'
        f"<pre>{esc(ex.sql)}</pre></li>"
        for ex in examples
    )
    return f'<div class="rc-panel"><ol class="rc-examples">{items}</ol></div>'


def backend_choices(entries: list[dict]) -> list[tuple[str, str]]:
    """Dropdown (label, value) pairs that show each backend's readiness next to its id."""
    choices = []
    for entry in entries:
        if entry["ready"]:
            label = f"{entry['id']} — ✓ {both('ready')}"
        else:
            needed = [*entry.get("missing", []), *(f"{name} (invalid)" for name in entry.get("invalid", []))]
            label = f"{entry['id']} — {both('not_ready')}: {', '.join(needed)}"
        choices.append((label, entry["id"]))
    return choices


def banner(fallbacks: list[dict], failed_plugins: list[dict]) -> str:
    """The notice a stakeholder sees first when a backend is not configured; empty when all is well."""
    if not fallbacks and not failed_plugins:
        return ""
    parts = []
    for fallback in fallbacks:
        parts.append(f"<li>{esc(fallback['message_ko'])}<br><span class='rc-muted'>{esc(fallback['message_en'])}</span></li>")
    if failed_plugins:
        names = ", ".join(str(p.get("plugin", "?")) for p in failed_plugins)
        parts.append(f"<li>{esc(both('failed_plugins'))}: {esc(names)}</li>")
    hint = (f"<p>{esc(text('offline_banner', 'ko'))}<br>"
            f"<span class='rc-muted'>{esc(text('offline_banner', 'en'))}</span></p>") if fallbacks else ""
    return f'<div class="rc-banner" role="status"><ul>{"".join(parts)}</ul>{hint}</div>'


def _percent(value) -> str:
    return f"{float(value):.1%}" if isinstance(value, (int, float)) else "—"


def _count(value) -> str:
    return f"{value:,}" if isinstance(value, int) else "—"


def model_card(metadata: dict | None) -> str:
    """Markdown summary of the trained model's metadata, or a notice when training has not run yet."""
    if not metadata:
        return f"{text('model_missing', 'ko')}\n\n{text('model_missing', 'en')}"
    split, data = metadata.get("split", {}), metadata.get("data", {})
    val, bayes = metadata.get("val_accuracy"), metadata.get("bayes_accuracy")
    ratio = f"{val / bayes:.1%}" if isinstance(val, (int, float)) and bayes else "—"
    hyper = metadata.get("hyperparameters", {})
    rows = [
        ("검증 정확도 / Validation accuracy", _percent(val)),
        ("Top-3 정확도 / Top-3 accuracy", _percent(metadata.get("top3_accuracy"))),
        ("베이즈 최적 정확도 / Bayes-optimal accuracy", _percent(bayes)),
        ("베이즈 최적 대비 / Share of Bayes-optimal", ratio),
        ("학습 에포크 / Epochs run", f"{metadata.get('epochs_run', '—')} (best {metadata.get('best_epoch', '—')})"),
        ("데이터 크기 / Data size", _count(data.get("rows"))),
        ("학습·검증 분할 / Train · validation", " · ".join(_count(split.get(k)) for k in ("train", "validation"))),
        ("은닉층 / Hidden units", ", ".join(str(u) for u in hyper.get("hidden_units", [])) or "—"),
        ("학습 시간 / Training time", f"{metadata.get('training_seconds', '—')} s"),
        ("학습 일시 / Trained at", str(metadata.get("trained_at", "—"))),
    ]
    body = "\n".join(f"| {name} | {literal(value)} |" for name, value in rows)
    return f"| 항목 / Metric | 값 / Value |\n|---|---|\n{body}"



def catalogue_panel() -> str:
    """The product catalogue from the project's own list (never the customer database), in both languages."""
    rows = []
    for product in PRODUCTS:
        rows.append(
            f"<tr><td>{esc(group_name(product.group, 'ko'))}<br><span class='rc-muted'>"
            f"{esc(group_name(product.group, 'en'))}</span></td>"
            f"<td>{esc(product.name_ko)}<br><span class='rc-muted'>{esc(product.name_en)}</span></td>"
            f"<td class='rc-num'>{esc(format_fee(product.code, 'ko'))}<br><span class='rc-muted'>"
            f"{esc(format_fee(product.code, 'en'))}</span></td>"
            f"<td>{esc(product.description_ko)}<br><span class='rc-muted'>{esc(product.description_en)}</span></td></tr>"
        )
    head = (f"<th>{esc(both('group'))}</th><th>{esc(both('product'))}</th>"
            f"<th>{esc(both('monthly_fee'))}</th><th></th>")
    return (f'<div class="rc-panel"><p>{esc(text("catalogue_intro", "ko"))}<br>'
            f'<span class="rc-muted">{esc(text("catalogue_intro", "en"))}</span></p>'
            f'<table class="rc-vector"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def download_link(url: str) -> str:
    return f'<a class="rc-download" href="{esc(url)}" download>⬇ {esc(both("csv"))}</a>'


def staff_status(user: str | None, open_access: bool) -> str:
    """Who is signed in, with the sign-out link; the open-access notice while no account exists."""
    if open_access:
        return (f'<div class="rc-banner" role="status"><p>{esc(text("staff_open", "ko"))}<br>'
                f'<span class="rc-muted">{esc(text("staff_open", "en"))}</span></p></div>')
    name = esc(user or "")
    return (f'<div class="rc-muted">{esc(text("signed_in_as", "ko").format(name=user or ""))} · '
            f'{esc(text("signed_in_as", "en").format(name=user or ""))} · '
            f'<a href="/staff/logout">{esc(both("sign_out"))}</a></div>') if name else ""
