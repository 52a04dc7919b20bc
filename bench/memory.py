"""Does the engine itself grow under load? Calls both API handlers in-process and prints RSS per round.

    .venv/bin/python bench/memory.py [--rounds 6] [--calls 500]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import rss_mb  # noqa: E402
from bench.eval_sql import database_url  # noqa: E402
from bench.load import ANALYTICS, RECOMMEND  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--calls", type=int, default=500)
    args = parser.parse_args()

    from engine.app import Engine
    from engine.settings import offline_settings

    with database_url(None) as url:  # a throwaway 70,000-row database, like the other benchmarks
        measure(Engine(offline_settings(database_url=url)), args)


def measure(engine, args) -> None:
    from ui.handlers import api_analytics, api_recommend

    api_recommend(engine, RECOMMEND[0])
    api_analytics(engine, ANALYTICS[0])
    print(f"warm: {rss_mb(os.getpid()):.0f} MB")
    for round_number in range(1, args.rounds + 1):
        for i in range(args.calls):
            api_recommend(engine, RECOMMEND[i % len(RECOMMEND)])
            api_analytics(engine, ANALYTICS[i % len(ANALYTICS)])
        print(f"after {round_number * args.calls * 2:,} calls: {rss_mb(os.getpid()):.0f} MB")


if __name__ == "__main__":
    main()
