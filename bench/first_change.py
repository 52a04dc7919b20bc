"""Time from pressing send to the first visible change, and to the finished answer, in headless Chromium,
against a deliberately slow local backend (bench/slow_openai.py) behind the `openai` backends.

    .venv/bin/python bench/first_change.py [--delays 0.5 3] [--runs 10] [--goal-ms 200]

The clock runs in the page: `performance.now()` when the send button is clicked, then at the first animation
frame after the user's message appears in the chat (the first change a person sees: the page's own echo of
it, then the server's step bubble), and after the turn's "done" bubble appears (the finished answer).
`--mode blocking` replays the previous behaviour for comparison: no echo, and the same handler with only its
final state sent, so nothing shows until the whole answer is ready.
Exits 1 when the p95 first change is over the goal in streaming mode.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import ROOT, free_port, percentile  # noqa: E402
from bench.slow_openai import SlowOpenAI  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DONE_TITLE = "완료"  # the steps bubble's title once a Korean turn has finished
TABS = {
    "recommend": "35살, 4인 가족, 30평 아파트, 월 3만원 정도로 정수기 찾아요 {n}번째",
    "analytics": "제품별 사용자 수 알려줘 {n}번째",
}
MEASURE = """
async ([prefix, text, doneTitle, timeoutMs]) => {
  const chat = document.querySelector(`#${prefix}-chat`);
  const count = (needle) => chat.innerText.split(needle).length - 1;
  const doneBefore = count(doneTitle);
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
  return await new Promise((resolve, reject) => {
    let seen = false, first = null, finished = false;
    const timer = setTimeout(() => reject(new Error(
      `no finished answer in time; the chat ends: ${chat.innerText.slice(-300)}`)), timeoutMs);
    const maybeDone = () => {
      if (first === null || finished || count(doneTitle) <= doneBefore) return;
      finished = true; observer.disconnect(); clearTimeout(timer);
      frame().then((done) => resolve({first: first - start, done: done - start}));
    };
    const check = () => {
      if (!seen && chat.innerText.includes(text)) {
        seen = true;
        frame().then((painted) => { first = painted; maybeDone(); });
      }
      maybeDone();
    };
    const observer = new MutationObserver(check);
    observer.observe(chat, {childList: true, subtree: true, characterData: true});
    const start = performance.now();
    document.querySelector(`#${prefix}-input-send`).click();
  });
}
"""


def build_app(delay: float, blocking: bool):
    from db.build import build_database
    from engine.app import Engine
    from engine.settings import offline_settings
    from ui import handlers

    folder = Path(tempfile.mkdtemp(prefix="rentalchat-first-change-"))
    url = f"sqlite:///{folder / 'customers.db'}"
    build_database(url, rows=3_000, seed=7)
    backend = SlowOpenAI(delay)
    engine = Engine(offline_settings(database_url=url, vectorizer="openai", sql_generator="openai",
                                     openai_base_url=backend.url, openai_model="slow", backend_read_timeout=60,
                                     state_database_url=f"sqlite:///{folder / 'state.db'}", llm_result_rows=True,
                                     turns_per_minute=10_000, turns_per_minute_per_address=10_000))
    if blocking:  # as before: no echo in the page, one update at the end
        from ui import turns

        turns.echo_script = lambda stop_id, limit: "(message, history) => [history]"
        for name in ("recommend_stream", "analytics_stream"):
            streamed = getattr(handlers, name)
            setattr(handlers, name, lambda *a, _streamed=streamed, **k: iter([list(_streamed(*a, **k))[-1]]))
    from ui.server import build_server

    server = build_server(engine, open_access=True)
    return server, backend, server.start("127.0.0.1", free_port())


def measure(app_url: str, runs: int, timeout_ms: int) -> dict[str, dict[str, list[float]]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, list[float]]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="ko-KR").new_page()
            for tab, template in TABS.items():
                page.goto(f"{app_url}/staff/" if tab == "analytics" else f"{app_url}/")
                page.locator(f"#{tab}-input textarea").wait_for(timeout=60_000)
                samples: dict[str, list[float]] = {"first": [], "done": []}
                for n in range(runs + 1):  # the first run warms up the model, database and backend
                    text = template.format(n=n + 1)
                    page.locator(f"#{tab}-input textarea").fill(text)
                    timing = page.evaluate(MEASURE, [tab, text, DONE_TITLE, timeout_ms])
                    if n:
                        samples["first"].append(timing["first"])
                        samples["done"].append(timing["done"])
                results[tab] = samples
        finally:
            browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delays", type=float, nargs="+", default=[0.5, 3.0], help="backend latency per call, s")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--mode", choices=("streaming", "blocking"), default="streaming")
    parser.add_argument("--goal-ms", type=float, default=200.0)
    args = parser.parse_args(argv)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("GRADIO_TEMP_DIR", tempfile.mkdtemp(prefix="rentalchat-gradio-"))

    report, worst = [], 0.0
    for delay in args.delays:
        server, backend, app_url = build_app(delay, args.mode == "blocking")
        try:
            results = measure(app_url, args.runs, timeout_ms=int((delay * 3 + 30) * 1000))
        finally:
            server.stop()
            backend.close()
        for tab, samples in results.items():
            row = {"mode": args.mode, "delay_s": delay, "tab": tab, "runs": len(samples["first"])}
            for key in ("first", "done"):
                row[f"{key}_p50_ms"] = round(statistics.median(samples[key]), 1)
                row[f"{key}_p95_ms"] = round(percentile(samples[key], 0.95), 1)
            worst = max(worst, row["first_p95_ms"])
            report.append(row)
            print(f"{args.mode:9} delay {delay:>4.1f} s  {tab:9}  first change p50 {row['first_p50_ms']:>7.1f} ms "
                  f"p95 {row['first_p95_ms']:>7.1f} ms   finished p50 {row['done_p50_ms']:>7.1f} ms "
                  f"p95 {row['done_p95_ms']:>7.1f} ms", flush=True)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / f"first_change_{args.mode}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    if args.mode == "streaming":
        print(f"worst p95 first change {worst:.1f} ms (goal < {args.goal_ms:.0f} ms)")
        return 0 if worst < args.goal_ms else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
