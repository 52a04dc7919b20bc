"""Latency of the in-process recommend path (rules backend) against `model.predict`, side by side.

    .venv/bin/python bench/recommend.py [--requests 300]

Both paths see the same inputs in the same process; the ratio is what matters on a shared machine.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import percentile  # noqa: E402  (needs the path above)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

TEXTS = [
    "35살 4인 가족, 30평 아파트, 월 3만원 정도로 정수기 찾아요",
    "I'm 28 and live alone in a 10 pyeong studio, budget 20,000 won",
    "부부 둘이 살고 25평, 식기세척기 보고 있어요",
    "family of 5, 40 pyeong, membership score 80, 10% discount",
    "60대 초반, 혼자 살아요, 비데 추천해 주세요",
    "a couple with two kids, air purifier, 84㎡",
]


def measure(fn, inputs, rounds: int) -> list[float]:
    timings = []
    for i in range(rounds):
        item = inputs[i % len(inputs)]
        started = time.perf_counter()
        fn(item)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    from engine.app import Engine
    from engine.session import ChatSession
    from engine.settings import offline_settings

    engine = Engine(offline_settings())
    engine.recommend(TEXTS[0])  # load the model and warm caches outside the timed loop
    import keras
    import numpy as np

    model = keras.models.load_model(engine.settings.model_path)
    vectors = [engine.vectorize(t, ChatSession()).vector() for t in TEXTS]

    model.predict(np.array([vectors[0]], dtype="float32"), verbose=0)

    ours = measure(lambda text: engine.recommend(text, ChatSession()), TEXTS, args.requests)
    rounds = max(30, args.requests // 5)  # model.predict is ~100x slower; fewer rounds keep the run short
    predict_ms = measure(lambda v: model.predict(np.array([v], dtype="float32"), verbose=0), vectors, rounds)
    batch = measure(lambda v: model.predict_on_batch(np.array([v], dtype="float32")), vectors, rounds)
    numpy_only = measure(lambda v: engine.recommender.predict_proba([v]), vectors, args.requests)

    rows = [
        ("recommend path (rules + NumPy model + reply)", ours),
        ("NumPy forward pass only", numpy_only),
        ("model.predict_on_batch", batch),
        ("model.predict", predict_ms),
    ]
    print(f"{'path':48} {'n':>5} {'p50 ms':>9} {'p95 ms':>9}")
    for name, samples in rows:
        print(f"{name:48} {len(samples):5d} {statistics.median(samples):9.3f} {percentile(samples, 0.95):9.3f}")
    ratio = statistics.median(predict_ms) / statistics.median(ours)
    print(f"\nmodel.predict p50 / recommend path p50 = {ratio:.0f}x")
    like_for_like = statistics.median(batch) / statistics.median(numpy_only)
    print(f"model.predict_on_batch p50 / NumPy forward pass p50 = {like_for_like:.0f}x  (model evaluation alone)")


if __name__ == "__main__":
    main()
