"""Latency of the whole in-process analytics path for the rules backend, per question type.

    .venv/bin/python bench/analytics.py [--rounds 30] [--database URL]

Each timing is one `Engine.ask` call: input validation, retrieval, SQL generation, the guard, the read-only
query, the answer sentence and the chart. The `db` column times the same generated SQL through the guard and
database alone, to show where the time goes. Goal: p50 under 20 ms on the 70,000-row database.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import percentile  # noqa: E402  (needs the path above)
from bench.eval_sql import database_url, make_engine  # noqa: E402

GOAL_P50_MS = 20.0

# One or two earlier turns, then the question that is timed; most types have no earlier turn.
QUESTIONS: dict[str, list[tuple[str, ...]]] = {
    "count": [("총 정수기 사용자 알려줘",), ("How many customers do we have in total?",), ("40대 비데 사용자 수",)],
    "average": [("정수기 사용자 평균 나이",), ("average monthly budget of dishwasher customers",)],
    "min/max": [("공기청정기 사용자 최고 나이",), ("maximum discount rate of bidet customers",)],
    "group by product": [("제품별 사용자수를 그래프로 보여줘",), ("customers by product group",)],
    "age band": [("연령대별 식기세척기 사용자수를 그래프로 보여주고 쿼리도 보여줘",), ("customers by age band",)],
    "household": [("가구원 수별 평균 예산",), ("number of customers by household size",)],
    "filters": [("할인율 20% 이상인 정수기 사용자 수",), ("customers aged 30 to 39 with a score above 80",)],
    "top-N": [("사용자가 가장 많은 제품 3개",), ("top 3 products by customers",)],
    "share": [("제품군별 비중 보여줘",), ("share of customers by product group",)],
    "several aggregates": [("정수기 사용자 수와 평균 나이",), ("count and average age of mattress customers",)],
    "follow-up": [("정수기 사용자 수 알려줘", "그럼 40대는?"), ("How many air purifier customers?", "what about bidets?")],
}


def time_type(engine, conversations: list[tuple[str, ...]], rounds: int) -> tuple[list[float], list[float], list[str]]:
    from core.errors import ChatError
    from engine.session import ChatSession

    whole, db, errors = [], [], []
    for turns in conversations:
        for _ in range(rounds):
            session = ChatSession()
            try:
                for earlier in turns[:-1]:
                    engine.ask(earlier, session, backend="rules")
                started = time.perf_counter()
                answer = engine.ask(turns[-1], session, backend="rules")
                whole.append((time.perf_counter() - started) * 1000)
            except ChatError as exc:
                errors.append(f"{turns[-1]!r}: {exc.code}")
                break
            started = time.perf_counter()
            engine.run_sql(answer.sql)
            db.append((time.perf_counter() - started) * 1000)
    return whole, db, errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="timed calls per question")
    parser.add_argument("--database", help="SQLAlchemy URL; default: build a 70,000-row database in a temp dir")
    args = parser.parse_args(argv)

    with database_url(args.database) as url:
        engine = make_engine("rules", url)
        engine.ask(QUESTIONS["count"][0][0], backend="rules")  # load plugins, knowledge base and connection
        print(f"{'type':<20}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'db p50':>9}")
        everything, failures = [], []
        for kind, conversations in QUESTIONS.items():
            whole, db, errors = time_type(engine, conversations, args.rounds)
            failures.extend(errors)
            everything.extend(whole)
            if whole:
                print(f"{kind:<20}{len(whole):>5}{percentile(whole, 0.5):>9.2f}{percentile(whole, 0.95):>9.2f}"
                      f"{statistics.median(db):>9.2f}")
            else:
                print(f"{kind:<20}{0:>5}{'-':>9}{'-':>9}{'-':>9}")
    overall = percentile(everything, 0.5) if everything else float("nan")
    print(f"\nall: n={len(everything)} p50 {overall:.2f} ms, p95 {percentile(everything, 0.95) if everything else 0:.2f} ms"
          f" (goal p50 < {GOAL_P50_MS:.0f} ms: {'met' if overall < GOAL_P50_MS else 'NOT met'})")
    for failure in failures:
        print(f"not answered: {failure}")
    return 0 if overall < GOAL_P50_MS and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
