"""Backoff shared by every backend that retries by itself (in-stream AWS errors, OpenAI-compatible HTTP)."""
from __future__ import annotations

import random

MAX_BACKOFF_SECONDS = 8.0


def backoff_delay(attempt: int, base: float) -> float:
    """Full-jitter exponential backoff: attempt 1 waits up to `base`, then twice that, capped."""
    return random.uniform(0, min(MAX_BACKOFF_SECONDS, base * 2 ** (attempt - 1)))
