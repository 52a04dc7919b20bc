"""A bounded load test of the app on 127.0.0.1 with the rules backends, then a burst past the queue.

    .venv/bin/python bench/load.py [--clients 32] [--seconds 60] [--queue-max 8]

Phase 1: N gradio_client sessions for S seconds, alternating /recommend and /analytics; reports
throughput, p50/p95/max latency, errors and the server's memory growth.
Phase 2: a second server with a small queue; more simultaneous requests than it holds. Extra requests
must be refused cleanly (an error, not a hang) and the server must answer normally afterwards.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import free_port, offline_env, rss_mb, running_app, summary, wait_http  # noqa: E402

RECOMMEND = ["35살 4인 가족 30평 월 3만원 정수기", "I'm 28 and live alone, 10 pyeong, air purifier",
             "부부 둘이 25평, 식기세척기", "family of 5, 40 pyeong, membership score 80"]
ANALYTICS = ["총 정수기 사용자 알려줘", "제품별 사용자수를 그래프로 보여줘", "average age by product group",
             "연령대별 식기세척기 사용자수를 그래프로 보여주고 쿼리도 보여줘"]


def client_loop(url: str, index: int, deadline: float, latencies: dict, errors: list, lock) -> None:
    from gradio_client import Client

    clients = {"/recommend": Client(url, verbose=False), "/analytics": Client(f"{url}staff/", verbose=False)}
    turn = index
    while time.perf_counter() < deadline:
        endpoint = "/recommend" if turn % 2 == 0 else "/analytics"
        text = (RECOMMEND if endpoint == "/recommend" else ANALYTICS)[turn % 4]
        started = time.perf_counter()
        try:
            reply, _trace = clients[endpoint].predict(text, api_name=endpoint)
            assert reply
            with lock:
                latencies[endpoint].append((time.perf_counter() - started) * 1000)
        except Exception as exc:  # counted and reported: the point of a load test
            with lock:
                errors.append(f"{endpoint}: {type(exc).__name__}: {str(exc)[:120]}")
        turn += 1


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (clock ticks of 1/100 s)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def sample_rss(pid: int, deadline: float, series: list[float]) -> None:
    while time.perf_counter() < deadline:
        time.sleep(min(10.0, max(0.0, deadline - time.perf_counter())))
        series.append(rss_mb(pid))


def sustained(env: dict, clients: int, seconds: float) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with running_app(env, port) as proc:
        wait_http(url)
        from gradio_client import Client

        Client(url, verbose=False).predict(RECOMMEND[0], api_name="/recommend")
        Client(f"{url}staff/", verbose=False).predict(ANALYTICS[0], api_name="/analytics")
        rss_before, cpu_before = rss_mb(proc.pid), cpu_seconds(proc.pid)
        rss_series: list[float] = []
        latencies = {"/recommend": [], "/analytics": []}
        errors: list[str] = []
        lock = threading.Lock()
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        with ThreadPoolExecutor(clients + 1) as pool:
            pool.submit(sample_rss, proc.pid, deadline, rss_series)
            for i in range(clients):
                pool.submit(client_loop, url, i, deadline, latencies, errors, lock)
        elapsed = time.perf_counter() - started
        total = sum(len(v) for v in latencies.values())
        server_cpu = cpu_seconds(proc.pid) - cpu_before
        print(f"phase 1: {clients} clients for {seconds:.0f} s -> {total} requests, {total / elapsed:.1f} req/s, "
              f"{len(errors)} errors")
        for endpoint, samples in latencies.items():
            print(f"  {endpoint:11} {summary(samples)}")
        print(f"  server CPU {server_cpu:.1f} s in {elapsed:.0f} s ({server_cpu / elapsed:.2f} cores), "
              f"{1000 * server_cpu / max(total, 1):.1f} ms CPU per request; the rest of the 2 cores drive the clients")
        print(f"  server RSS {rss_before:.0f} MB -> {rss_mb(proc.pid):.0f} MB "
              f"(peak {rss_mb(proc.pid, 'VmHWM'):.0f} MB); every 10 s: {', '.join(f'{r:.0f}' for r in rss_series)}")
        for line in errors[:5]:
            print("  error:", line)


def burst(env: dict, queue_max: int) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    with running_app({**env, "QUEUE_MAX_SIZE": str(queue_max), "NETWORK_CONCURRENCY": "1"}, port):
        wait_http(url)
        from gradio_client import Client

        clients = [Client(url, verbose=False) for _ in range(queue_max * 4)]
        outcomes: list[str] = []
        lock = threading.Lock()

        def one(client):
            try:
                client.predict(RECOMMEND[0], api_name="/recommend")
                result = "ok"
            except Exception as exc:
                result = f"refused: {str(exc)[:80]}"
            with lock:
                outcomes.append(result)

        started = time.perf_counter()
        with ThreadPoolExecutor(len(clients)) as pool:
            list(pool.map(one, clients))
        refused = [o for o in outcomes if o != "ok"]
        print(f"phase 2: {len(clients)} simultaneous requests, queue max_size={queue_max}: "
              f"{len(outcomes) - len(refused)} answered, {len(refused)} refused in {time.perf_counter() - started:.1f} s")
        if refused:
            print("  first refusal:", refused[0])
        reply, _ = Client(f"{url}staff/", verbose=False).predict(ANALYTICS[0], api_name="/analytics")
        print(f"  afterwards the server answers normally: {reply.splitlines()[0][:60]!r}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--queue-max", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = offline_env(DATABASE_URL=f"sqlite:///{tmp}/customers.db", GRADIO_TEMP_DIR=tmp)
        sustained(env, args.clients, args.seconds)
        burst(env, args.queue_max)


if __name__ == "__main__":
    main()
