"""Local HTTP servers on 127.0.0.1 that replay scripted replies and record every request they receive.

The real client libraries (boto3, httpx) talk to them over the wire, so the code under test runs exactly as
it would against the service: signing, serialisation, retries, timeouts and response parsing included.
"""
from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import pytest

from wire.eventstream import encode_message

SENTINEL_AWS_SECRET = "SENTINELSECRETdoNotLeak0123456789abcdefXYZ"
SENTINEL_AWS_KEY_ID = "TESTSENTINELKEYID000"  # not AKIA-shaped: secret scanners stay quiet
SENTINEL_OPENAI_KEY = "sk-SENTINEL-openai-key-doNotLeak-0123456789"


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body or b"null")


@dataclass
class JsonReply:
    status: int = 200
    body: object = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering at all

    def write(self, handler: BaseHTTPRequestHandler) -> None:
        time.sleep(self.delay)
        data = self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()
        handler.send_response(self.status)
        headers = {"Content-Type": "application/json", **self.headers, "Content-Length": str(len(data))}
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)


@dataclass
class StreamReply:
    """A chunked application/vnd.amazon.eventstream body; `stall_after` messages, the server goes quiet."""

    messages: list[bytes]
    stall_after: int | None = None
    stall_seconds: float = 0.0

    def write(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/vnd.amazon.eventstream")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.send_header("x-amz-bedrock-flow-execution-id", "exec-0001")
        handler.end_headers()
        for index, message in enumerate(self.messages):
            if index == self.stall_after:
                handler.wfile.flush()
                time.sleep(self.stall_seconds)
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(message), message))
            handler.wfile.flush()
        if self.stall_after is not None and self.stall_after >= len(self.messages):
            time.sleep(self.stall_seconds)
        handler.wfile.write(b"0\r\n\r\n")


@dataclass
class SseReply:
    """An OpenAI-style Chat Completions stream: one `data:` line per chunk, then `data: [DONE]`."""

    pieces: list[str]
    finish_reason: str = "stop"
    pause: float = 0.0  # seconds between chunks

    def chunks(self) -> list[bytes]:
        def chunk(delta: dict, finish=None) -> bytes:
            body = {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta,
                                                                    "finish_reason": finish}]}
            return b"data: " + json.dumps(body).encode() + b"\n\n"

        return [chunk({"role": "assistant"}), *(chunk({"content": piece}) for piece in self.pieces),
                chunk({}, self.finish_reason), b"data: [DONE]\n\n"]

    def write(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        for data in self.chunks():
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            handler.wfile.flush()
            time.sleep(self.pause)
        handler.wfile.write(b"0\r\n\r\n")


def event(event_type: str, payload: dict) -> bytes:
    headers = {":message-type": "event", ":event-type": event_type, ":content-type": "application/json"}
    return encode_message(headers, json.dumps(payload).encode())


def stream_exception(exception_type: str, message: str = "scripted failure") -> bytes:
    headers = {":message-type": "exception", ":exception-type": exception_type, ":content-type": "application/json"}
    return encode_message(headers, json.dumps({"message": message}).encode())


def flow_output(document) -> bytes:
    payload = {"content": {"document": document}, "nodeName": "FlowOutputNode", "nodeType": "Output"}
    return event("flowOutputEvent", payload)


def flow_completion(reason: str = "SUCCESS") -> bytes:
    return event("flowCompletionEvent", {"completionReason": reason})


def flow_success(document) -> StreamReply:
    return StreamReply([flow_output(document), flow_completion()])


def aws_error(status: int, code: str, message: str = "scripted error") -> JsonReply:
    return JsonReply(status, {"message": message}, {"x-amzn-ErrorType": f"{code}:http://internal.amazon.com/"})


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address):
        # Clients that hang up mid-request (timeouts, closed streams) are part of the script, not failures.
        pass


class LocalServer:
    """Replies from a queue (or a responder function for stateful fakes); `requests` is what arrived."""

    def __init__(self, responder: Callable[[Recorded], object] | None = None):
        self.requests: list[Recorded] = []
        self.replies: deque = deque()
        self.responder = responder
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                recorded = Recorded(self.command, self.path, dict(self.headers), self.rfile.read(length))
                reply = server._next_reply(recorded)
                try:
                    reply.write(self)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    def _next_reply(self, recorded: Recorded):
        with self._lock:
            self.requests.append(recorded)
            if self.responder is not None:
                return self.responder(recorded)
            if self.replies:
                return self.replies.popleft()
        return JsonReply(500, {"message": "no scripted reply left"})

    def push(self, *replies) -> "LocalServer":
        self.replies.extend(replies)
        return self

    def start(self) -> "LocalServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def local_server():
    server = LocalServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def aws_env(monkeypatch, tmp_path, local_server):
    """Dummy credentials (the secret is a sentinel) and every AWS endpoint pointed at the local server."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", SENTINEL_AWS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SENTINEL_AWS_SECRET)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ENDPOINT_URL", local_server.url)
    return local_server


@pytest.fixture
def no_botocore_backoff(monkeypatch):
    """botocore's own retry sleeps up to seconds between attempts; the attempts still happen, just at once."""
    from botocore.retries import standard

    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount", lambda self, context: 0.0)
