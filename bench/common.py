"""Small shared pieces for the benchmarks: percentiles, a free port, the app started as a real process."""
from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(samples: list[float]) -> str:
    if not samples:
        return "no samples"
    return (f"n={len(samples)} p50={statistics.median(samples):.2f} ms "
            f"p95={percentile(samples, 0.95):.2f} ms max={max(samples):.2f} ms")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def offline_env(**extra: str) -> dict[str, str]:
    """The process environment without cloud settings, on the rules backends, with a throwaway app-state
    database (no staff account, so /staff/ is open on loopback) and turn bounds a load test does not hit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BEDROCK_", "OPENAI_"))}
    state = Path(tempfile.mkdtemp(prefix="rentalchat-bench-state-")) / "state.db"
    env.update(VECTORIZER="rules", SQL_GENERATOR="rules", GRADIO_ANALYTICS_ENABLED="False",
               TF_CPP_MIN_LOG_LEVEL="3", HF_HUB_OFFLINE="1", MALLOC_ARENA_MAX="2",  # as scripts/start.sh
               STATE_DATABASE_URL=f"sqlite:///{state}", TURNS_PER_MINUTE="100000",
               TURNS_PER_MINUTE_PER_ADDRESS="100000", **extra)
    return env


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_http(url: str, timeout: float = 120.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@contextmanager
def running_app(env: dict[str, str], port: int):
    """demo.py as its own process on 127.0.0.1; always stopped on exit."""
    proc = subprocess.Popen([PYTHON, "demo.py", "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
