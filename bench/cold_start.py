"""Cold start of the CLI and the app, training time, and the app's peak memory.

    .venv/bin/python bench/cold_start.py [--runs 5] [--skip-train]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PYTHON, ROOT, free_port, offline_env, rss_mb, running_app, wait_http  # noqa: E402


def time_command(args: list[str], env: dict, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([PYTHON, "-m", "engine", *args], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-train", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = offline_env(DATABASE_URL=f"sqlite:///{tmp}/customers.db")
        subprocess.run([PYTHON, "-m", "engine", "build-db"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        text = "35살 4인 가족 30평 월 3만원 정수기"
        rows = [
            ("python -m engine vectorize", time_command(["vectorize", text], env, args.runs)),
            ("python -m engine recommend", time_command(["recommend", text], env, args.runs)),
            ("python -m engine sql", time_command(["sql", "제품별 사용자 수"], env, args.runs)),
        ]
        for name, samples in rows:
            print(f"{name:32} median {statistics.median(samples):.2f} s  (min {min(samples):.2f}, n={len(samples)})")

        port = free_port()
        started = time.perf_counter()
        with running_app(env, port) as proc:
            wait_http(f"http://127.0.0.1:{port}/")
            ready = time.perf_counter() - started
            from gradio_client import Client

            client = Client(f"http://127.0.0.1:{port}/", verbose=False)
            client.predict(text, api_name="/recommend")
            client.predict("연령대별 식기세척기 사용자수", api_name="/analytics")
            print(f"{'python demo.py until HTTP 200':32} {ready:.2f} s")
            print(f"{'app memory after both chats':32} RSS {rss_mb(proc.pid):.0f} MB, peak {rss_mb(proc.pid, 'VmHWM'):.0f} MB")

        if not args.skip_train:
            train_env = offline_env(DATABASE_URL=env["DATABASE_URL"], MODEL_PATH=f"{tmp}/recommender.keras")
            started = time.perf_counter()
            subprocess.run([PYTHON, "-m", "engine", "train"], cwd=ROOT, env=train_env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            print(f"{'python -m engine train (default)':32} {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
