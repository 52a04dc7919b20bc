"""Chart specs chosen deterministically from a result's shape, and what the user asked to see.

The UI draws the spec with Gradio's native plots; chart code is never written by an LLM.
"""
from __future__ import annotations

import re

from engine.columns import describe_column, format_label, split_columns
from core.language import detect_language

# ASCII words must not be glued to other Latin letters ("shared" is fine, "bars" too, "sharp" is not);
# Korean particles may follow directly ("그래프로", "chart로").
_EN = r"(?<![a-z])(?:{})(?![a-z])"
_CHART = re.compile(r"그래프|차트|그림|비율|비중|통계|시각화|도표|분포도|파이|막대|점유율|"
                    + _EN.format(r"charts?|graphs?|plot(?:ted|s)?|shares?|pie|visuali[sz](?:e|ation)|"
                                 r"diagram|histogram|bars?|ratios?|proportions?"), re.I)
_SQL = re.compile(r"쿼리|질의문|" + _EN.format(r"sql|query|queries"), re.I)
_PIE = re.compile(r"파이|원 ?그래프|" + _EN.format("pie"), re.I)
_BAR = re.compile(r"막대|" + _EN.format("bars?"), re.I)
_LINE = re.compile(r"꺾은선|선 ?그래프|추이|" + _EN.format(r"line|trend"), re.I)
_SHARE_WORDS = re.compile(r"비율|비중|점유율|" + _EN.format(r"shares?|ratios?|proportions?|percentages?"), re.I)
# Openings that make a question a follow-up ("그럼 40대는?", "what about air purifiers?"): it inherits
# the previous turn's wish for a chart, as the SQL generator carries its filters.
_FOLLOW_UP = re.compile(r"^\s*(?:그럼|그러면|그렇다면|그리고|그\s*중|이\s*중|이번엔|이번에는|대신|또)|"
                        + _EN.format(r"^\s*(?:what|how)\s+about|^\s*(?:and|only|now|then|also|instead)"), re.I)
MAX_PIE_SLICES = 10  # past ten slices a pie stops being readable; the UI draws at most this many
CHART_KINDS = ("bar", "line", "pie", "table")  # what the analyst may switch a result to; "table" is no chart


def wants_chart(question: str) -> bool:
    return bool(_CHART.search(question or ""))


def is_follow_up(question: str) -> bool:
    return bool(_FOLLOW_UP.search(question or ""))


def wants_sql(question: str) -> bool:
    """The prototype put the query in its reply when asked for it (sql, 쿼리, query)."""
    return bool(_SQL.search(question or ""))


def choose_chart(columns: list[str], rows: list, question: str, *, asked: bool | None = None,
                 kind: str | None = None) -> dict | None:
    """A {"type", "x", "y", "title", "data", ...} spec, or None unless asked for and drawable.

    `kind` ("bar", "line" or "pie") is the analyst's own choice; it wins over the question's words wherever the
    result can be drawn so (a pie needs at most MAX_PIE_SLICES values, none negative, and no second grouping).

    `data` rows are keyed by the x/y (and color) column names, so `pd.DataFrame(spec["data"])` feeds
    `gr.BarPlot(x=spec["x"], y=spec["y"])` directly; x values are already human labels.
    """
    if not rows or not (wants_chart(question) if asked is None else asked):
        return None
    labels, numbers = split_columns(columns, rows)
    if not labels or not numbers:
        return None
    y_at = next((i for i in numbers if describe_column(columns[i]).role == "share"), numbers[0])
    x_at = next((i for i in labels if _is_ordered(columns[i], rows, i)), labels[0])
    color_at = next((i for i in labels if i != x_at), None)
    kind = _chart_type(question, columns, rows, x_at, y_at, color_at, kind)
    title_at = y_at  # a share question keeps its title even when the pie is drawn from counts
    if kind == "pie":  # a pie makes its own shares; drawn from counts, its legend can show both
        y_at = next((i for i in numbers if describe_column(columns[i]).role == "count"), y_at)
    if kind == "line" and _is_ordered(columns[x_at], rows, x_at):  # a line the analyst chose may have no order
        rows = sorted(rows, key=lambda r: _leading_number(r[x_at]))
    lang = detect_language(question)
    x_meaning, y_meaning = describe_column(columns[x_at]), describe_column(columns[y_at])
    data = []
    for row in rows:
        if not isinstance(row[y_at], (int, float)):
            continue
        point = {columns[x_at]: format_label(x_meaning, row[x_at], lang),
                 columns[y_at]: round(row[y_at], 2) if isinstance(row[y_at], float) else row[y_at]}
        if color_at is not None:
            point[columns[color_at]] = format_label(describe_column(columns[color_at]), row[color_at], lang)
        data.append(point)
    if not data:
        return None
    x_title, y_title = x_meaning.label(lang), y_meaning.label(lang)
    topic = describe_column(columns[title_at]).label(lang)
    title = f"{x_title}별 {topic}" if lang == "ko" else f"{topic.capitalize()} by {x_title}"
    return {
        "type": kind,
        "x": columns[x_at],
        "y": columns[y_at],
        "color": columns[color_at] if color_at is not None else None,
        "title": title,
        "x_title": x_title,
        "y_title": y_title,
        "x_order": list(dict.fromkeys(point[columns[x_at]] for point in data)),
        "data": data,
    }


def _is_ordered(column: str, rows: list, at: int) -> bool:
    """Age bands and household sizes have a natural order; product codes do not."""
    meaning = describe_column(column)
    numbered = all(_leading_number(row[at]) is not None for row in rows)
    return numbered and (meaning.role == "band" or meaning.feature is not None)


def _leading_number(value) -> int | None:
    match = re.match(r"\s*(\d+)", str(value)) if not isinstance(value, bool) and value is not None else None
    return int(match.group(1)) if match else None


def _chart_type(question: str, columns, rows, x_at: int, y_at: int, color_at, chosen: str | None = None) -> str:
    """The analyst's choice, then explicit words, win when the shape allows them; otherwise shares are pies and
    ordered bands lines."""
    ordered = _is_ordered(columns[x_at], rows, x_at)
    pie_fits = (color_at is None and len(rows) <= MAX_PIE_SLICES
                and all(isinstance(r[y_at], (int, float)) and r[y_at] >= 0 for r in rows))
    if chosen in ("bar", "line") or (chosen == "pie" and pie_fits):
        return chosen
    if _PIE.search(question) and pie_fits:
        return "pie"
    if _BAR.search(question):
        return "bar"
    if _LINE.search(question) and ordered:
        return "line"
    if pie_fits and (describe_column(columns[y_at]).role == "share" or _SHARE_WORDS.search(question)):
        return "pie"
    return "line" if ordered else "bar"
