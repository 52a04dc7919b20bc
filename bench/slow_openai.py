"""A deliberately slow OpenAI-compatible Chat Completions server on 127.0.0.1, for measuring what the chat shows
while a backend thinks. Every answer waits `delay` seconds; a streamed answer then arrives a word at a time.

Vectorizer requests (they carry response_format) get one fixed set of facts, SQL requests (their system prompt
describes the schema) one grouped count, answer requests a sentence.
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FACTS = {"age": 35, "houseHold": 4, "amt": 30, "size": 30, "score": None, "discRate": None, "product_group": "정수기"}
SQL = "```sql\nSELECT prdtGrpCd, COUNT(*) AS n FROM customer GROUP BY prdtGrpCd ORDER BY n DESC\n```"
ANSWER = "정수기 고객이 가장 많고, 그다음은 공기청정기와 비데 순이에요. 매트리스 고객이 가장 적어요."


class SlowOpenAI:
    def __init__(self, delay: float, word_pause: float = 0.05):
        self.delay, self.word_pause = delay, word_pause
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                time.sleep(server.delay)
                try:
                    if body.get("stream"):
                        server._stream(self, ANSWER.split(" "))
                    else:
                        system = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
                        text = json.dumps(FACTS, ensure_ascii=False) if "response_format" in body else \
                            SQL if "schema" in system.lower() else ANSWER
                        server._reply(self, text)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"
        threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True).start()

    @staticmethod
    def _reply(handler, text: str) -> None:
        data = json.dumps({"object": "chat.completion", "choices": [
            {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}]}).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _stream(self, handler, words: list[str]) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        pieces = [{"content": word + " "} for word in words] + [{}]
        for index, delta in enumerate(pieces):
            finish = "stop" if index == len(pieces) - 1 else None
            chunk = {"object": "chat.completion.chunk", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            data = b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n"
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            handler.wfile.flush()
            time.sleep(self.word_pause)
        done = b"data: [DONE]\n\n"
        handler.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(done), done))

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
