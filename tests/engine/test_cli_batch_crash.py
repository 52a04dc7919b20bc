"""A line whose handling crashes prints the internal-error object in place; the lines after it still run."""
import io
import json
import sys

from engine import cli


class CrashOnSecondLine:
    def __init__(self):
        self.seen = []

    def vectorize(self, text, session, backend):
        self.seen.append(text)
        if text == "boom":
            raise RuntimeError("unexpected")
        return type("Report", (), {"to_json": lambda self: {"text": text}})()


def test_a_crashing_line_does_not_cost_the_lines_after_it(monkeypatch):
    engine = CrashOnSecondLine()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"first\nboom\nthird\n"), encoding="utf-8"))
    args = type("Args", (), {"command": "vectorize", "batch": "-", "text": None, "backend": None})()
    out = io.StringIO()
    assert cli._serve_requests(engine, args, out) == 1
    first, crashed, third = (json.loads(line) for line in out.getvalue().splitlines())
    assert first == {"text": "first"} and third == {"text": "third"}
    assert crashed["code"] == "internal_error" and "unexpected" not in crashed["error"]
    assert engine.seen == ["first", "boom", "third"]
