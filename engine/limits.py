"""Bounds on use that a public link needs (OWASP LLM10): backend-calling turns per minute per session and
per client address, and failed staff sign-ins per account and per address with a growing lockout."""
from __future__ import annotations

import math
import threading
import time
from collections import deque

from core.errors import LoginRefused, TooManyTurns

WINDOW_SECONDS = 60.0
_MAX_KEYS = 100_000  # an attacker cycling session ids must not grow memory without bound


class TurnLimiter:
    """A sliding one-minute window per key; a refused turn is not counted, so waiting always helps."""

    def __init__(self, per_session: int, per_address: int, clock=time.monotonic):
        self.per_session, self.per_address = per_session, per_address
        self._clock = clock
        self._lock = threading.Lock()
        self._events: dict[tuple[str, str], deque[float]] = {}

    def admit(self, app: str, session: str | None, address: str | None) -> None:
        """Count one turn, or raise TooManyTurns before any backend is called."""
        now = self._clock()
        keys = [(f"{app}:session", session, self.per_session), (f"{app}:address", address, self.per_address)]
        with self._lock:
            if len(self._events) > _MAX_KEYS:
                self._forget_idle(now)
            windows = []
            for scope, key, limit in keys:
                if not key:
                    continue
                window = self._events.setdefault((scope, key), deque())
                while window and now - window[0] >= WINDOW_SECONDS:
                    window.popleft()
                if len(window) >= limit:
                    wait = max(1, math.ceil(WINDOW_SECONDS - (now - window[0])))
                    raise TooManyTurns(seconds=wait, limit=limit)
                windows.append(window)
            for window in windows:
                window.append(now)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, w in self._events.items() if not w or now - w[-1] >= WINDOW_SECONDS]:
            del self._events[key]


class LoginGuard:
    """After `max_failures` failures in a row for an account or an address, sign-ins from it are refused
    for `lockout_seconds`, doubling with each further lockout (capped at an hour); a success resets both."""

    MAX_LOCKOUT = 3600.0

    def __init__(self, max_failures: int, lockout_seconds: float, clock=time.monotonic):
        self.max_failures, self.lockout_seconds = max_failures, lockout_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, int] = {}
        self._locked_until: dict[str, float] = {}

    @staticmethod
    def _keys(name: str, address: str | None) -> list[str]:
        return [f"account:{name.strip().lower()}"] + ([f"address:{address}"] if address else [])

    def check(self, name: str, address: str | None) -> None:
        now = self._clock()
        with self._lock:
            until = max((self._locked_until.get(k, 0.0) for k in self._keys(name, address)), default=0.0)
        if until > now:
            raise LoginRefused(seconds=max(1, math.ceil(until - now)))

    def failed(self, name: str, address: str | None) -> float:
        """Record a failure; returns how long to hold the answer back (a slow-down before any lockout)."""
        now = self._clock()
        with self._lock:
            worst = 0
            for key in self._keys(name, address):
                count = self._failures.get(key, 0) + 1
                self._failures[key] = count
                worst = max(worst, count)
                if count >= self.max_failures:
                    lockouts = count - self.max_failures
                    seconds = min(self.lockout_seconds * 2 ** lockouts, self.MAX_LOCKOUT)
                    self._locked_until[key] = now + seconds
        return min(0.5 * worst, 2.0)

    def succeeded(self, name: str, address: str | None) -> None:
        with self._lock:
            for key in self._keys(name, address):
                self._failures.pop(key, None)
                self._locked_until.pop(key, None)
