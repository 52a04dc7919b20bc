"""Turns the analytics chart spec into data for Gradio's native plots, or an SVG pie drawn by our own code.

Only numbers and escaped labels go in: chart code never comes from a backend.
"""
from __future__ import annotations

import math
from typing import Any

import gradio as gr
import pandas as pd

from engine.charts import MAX_PIE_SLICES
from engine.columns import describe_column
from ui.render import esc

PIE_COLOURS = ("#0f766e", "#f59e0b", "#6366f1", "#ef4444", "#10b981", "#8b5cf6", "#0ea5e9", "#f97316",
               "#84cc16", "#ec4899")


def chart_frame(spec: dict) -> pd.DataFrame:
    """The spec's points as a frame named after its columns; rows whose y is not a number are dropped."""
    x_name, y_name, colour = str(spec.get("x") or "x"), str(spec.get("y") or "y"), spec.get("color")
    names = [x_name, y_name] + ([str(colour)] if colour else [])
    points = []
    for row in spec.get("data") or []:
        y = row.get(y_name, row.get("y"))
        if isinstance(y, bool) or not isinstance(y, (int, float)) or not math.isfinite(y):
            continue
        point = [str(row.get(x_name, row.get("x"))), float(y)]
        if colour:
            point.append(str(row.get(colour, "")))
        points.append(point)
    return pd.DataFrame(points, columns=names)


def _slice_path(cx: float, cy: float, r: float, start: float, end: float) -> str:
    x1, y1 = cx + r * math.sin(start), cy - r * math.cos(start)
    x2, y2 = cx + r * math.sin(end), cy - r * math.cos(end)
    large = 1 if end - start > math.pi else 0
    return f"M{cx:.2f},{cy:.2f} L{x1:.2f},{y1:.2f} A{r:.2f},{r:.2f} 0 {large} 1 {x2:.2f},{y2:.2f} Z"


def pie_svg(spec: dict) -> str:
    """A pie with a legend of shares; the smallest slices past the engine's limit are folded into one 'other' slice."""
    frame = chart_frame(spec)
    values = frame.iloc[:, 1].clip(lower=0)
    total = float(values.sum())
    if frame.empty or total <= 0:
        return ""
    pairs = sorted(zip(frame.iloc[:, 0], values), key=lambda p: -p[1])
    if len(pairs) > MAX_PIE_SLICES:
        rest = sum(v for _, v in pairs[MAX_PIE_SLICES - 1 :])
        pairs = pairs[: MAX_PIE_SLICES - 1] + [("기타 / other", rest)]
    values_are_shares = describe_column(str(spec.get("y") or "")).role == "share"
    cx = cy = r = 110.0
    shapes, legend, angle = [], [], 0.0
    for i, (label, value) in enumerate(pairs):
        share = value / total
        colour = PIE_COLOURS[i % len(PIE_COLOURS)]
        if share >= 0.9999:
            shapes.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{colour}"/>')
        elif share > 0:
            end = angle + share * 2 * math.pi
            shapes.append(f'<path d="{_slice_path(cx, cy, r, angle, end)}" fill="{colour}"/>')
            angle = end
        legend.append(
            f'<li><span class="rc-swatch" style="background:{colour}"></span>{esc(label)}'
            f' <span class="rc-muted">{"" if values_are_shares else f"{value:,.0f} · "}{share:.1%}</span></li>'
        )
    title = esc(spec.get("title") or "")
    return (
        f'<div class="rc-pie"><div class="rc-pie-title">{title}</div><div class="rc-pie-body">'
        f'<svg viewBox="0 0 220 220" width="220" height="220" role="img" aria-label="{title}">'
        f'{"".join(shapes)}</svg><ul class="rc-legend">{"".join(legend)}</ul></div></div>'
    )


def chart_updates(spec: dict | None) -> tuple[Any, Any, Any]:
    """Updates for the bar plot, line plot and pie, showing only the one the spec asks for."""
    gone = gr.update(visible=False)
    if not spec or not spec.get("data"):
        return gone, gone, gone
    kind = spec.get("type")
    if kind == "pie":
        svg = pie_svg(spec)
        return gone, gone, (gr.update(value=svg, visible=True) if svg else gone)
    frame = chart_frame(spec)
    if frame.empty:
        return gone, gone, gone
    x_name, y_name = frame.columns[:2]
    label_chars = sum(len(label) for label in frame[x_name].unique())
    options = {"x": x_name, "y": y_name, "title": spec.get("title") or "",
               "x_title": spec.get("x_title") or x_name, "y_title": spec.get("y_title") or y_name,
               "color": spec.get("color") or None,
               "sort": [str(x) for x in spec["x_order"]] if spec.get("x_order") else None,
               # Crowded category names overlap unless tilted.
               "x_label_angle": -35 if label_chars > 30 else 0,
               # Bars that do not start at zero exaggerate differences.
               "y_lim": [0, None] if kind != "line" and (frame[y_name] >= 0).all() else None}
    plot = gr.update(value=frame, visible=True, **options)
    return (gone, plot, gone) if kind == "line" else (plot, gone, gone)
