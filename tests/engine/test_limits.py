"""Bounded use: turns per minute per session and per address, and failed sign-ins with a lockout."""
from __future__ import annotations

import pytest

from core.errors import LoginRefused, TooManyTurns
from engine.limits import LoginGuard, TurnLimiter


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_session_past_its_limit_is_refused_until_the_minute_has_passed():
    clock = Clock()
    limiter = TurnLimiter(per_session=3, per_address=100, clock=clock)
    for _ in range(3):
        limiter.admit("customer", "s1", "10.0.0.1")
    with pytest.raises(TooManyTurns) as refused:
        limiter.admit("customer", "s1", "10.0.0.1")
    assert "60" in refused.value.message("en") and "1분에 3회" in refused.value.message("ko")
    limiter.admit("customer", "s2", "10.0.0.1")  # another session is not held back by this one
    limiter.admit("staff", "s1", "10.0.0.1")  # each app counts on its own
    clock.now += 60
    limiter.admit("customer", "s1", "10.0.0.1")


def test_an_address_is_bounded_across_its_sessions():
    limiter = TurnLimiter(per_session=100, per_address=2, clock=Clock())
    limiter.admit("customer", "a", "10.0.0.9")
    limiter.admit("customer", "b", "10.0.0.9")
    with pytest.raises(TooManyTurns):
        limiter.admit("customer", "c", "10.0.0.9")
    limiter.admit("customer", "c", "10.0.0.10")


def test_a_refused_turn_does_not_count():
    clock = Clock()
    limiter = TurnLimiter(per_session=1, per_address=100, clock=clock)
    limiter.admit("customer", "s", None)
    for _ in range(5):
        clock.now += 10
        with pytest.raises(TooManyTurns):
            limiter.admit("customer", "s", None)
    clock.now += 11  # 61 s after the one admitted turn
    limiter.admit("customer", "s", None)


def test_failed_sign_ins_slow_down_then_lock_and_a_success_resets():
    clock = Clock()
    guard = LoginGuard(max_failures=3, lockout_seconds=30, clock=clock)
    delays = [guard.failed("alice", "10.0.0.1") for _ in range(2)]
    assert delays[1] > delays[0] > 0
    guard.check("alice", "10.0.0.1")
    guard.failed("alice", "10.0.0.1")
    with pytest.raises(LoginRefused):
        guard.check("alice", "10.0.0.2")  # the account is locked from any address
    with pytest.raises(LoginRefused):
        guard.check("bob", "10.0.0.1")  # and the address for any account
    guard.check("bob", "10.0.0.3")
    clock.now += 31
    guard.check("alice", "10.0.0.1")
    guard.failed("alice", "10.0.0.1")  # the next lockout is twice as long
    clock.now += 31
    with pytest.raises(LoginRefused):
        guard.check("alice", "10.0.0.1")
    clock.now += 30
    guard.succeeded("alice", "10.0.0.1")
    guard.check("alice", "10.0.0.1")
    guard.failed("alice", "10.0.0.1")
    guard.check("alice", "10.0.0.1")  # the count started again from zero
