"""Calls any Gradio event the way a hand-made script does: POST queue/join with an fn_index, then read the
event stream. Hidden events (api_visibility="private") are reachable this way, so the tests use it."""
from __future__ import annotations

import json
import secrets

import httpx


def config(base: str, cookies: dict | None = None) -> httpx.Response:
    return httpx.get(f"{base}/config", cookies=cookies, timeout=30)


def call(base: str, fn_index: int, data: list, cookies: dict | None = None, timeout: float = 60) -> dict:
    """The event's last message: {"msg": "process_completed", "output": ..., "success": ...}, or the HTTP
    refusal as {"status": code}."""
    session = secrets.token_hex(8)
    with httpx.Client(base_url=base, cookies=cookies, timeout=timeout) as client:
        joined = client.post("/gradio_api/queue/join",
                             json={"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None})
        if joined.status_code != 200:
            return {"status": joined.status_code}
        last: dict = {}
        with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
            if stream.status_code != 200:
                return {"status": stream.status_code}
            for line in stream.iter_lines():
                if not line.startswith("data:"):
                    continue
                last = json.loads(line[5:])
                if last.get("msg") in ("process_completed", "unexpected_error"):
                    break
        return last
