"""A chat turn while it runs: the engine call on a worker thread, its progress relayed to the UI's generator,
the "thinking" bubble that names the current step, and the stop switch that ends a turn cleanly."""
from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator

from core.errors import TurnStopped
from ui.labels import both, text

_active: dict[object, threading.Event] = {}
_active_lock = threading.Lock()


def request_stop(key: object) -> bool:
    """Ask the turn running under `key` (a browser session and tab) to stop; False when none is running."""
    with _active_lock:
        event = _active.get(key)
    if event is None:
        return False
    event.set()
    return True


def run_turn(call: Callable[[Callable[[str, dict], None]], object], key: object = None) -> Iterator[tuple[str, dict]]:
    """Run `call(progress)` on a worker thread and yield its (step, data) events as they happen, then
    ("done", {"result": ...}) or ("error", {"error": exc}).

    Answer text arrives piece by piece; only the newest of several queued "answer" events is yielded, so a fast
    model cannot flood the page. Closing this generator, or request_stop(key), makes the worker's next progress
    call raise TurnStopped, which also closes a streaming backend call."""
    stop = threading.Event()
    events: queue.Queue = queue.Queue()

    def progress(step: str, data: dict) -> None:
        if stop.is_set():
            raise TurnStopped()
        events.put((step, data))

    def work() -> None:
        try:
            events.put(("done", {"result": call(progress)}))
        except BaseException as exc:  # handed to the UI thread, which turns it into a chat message
            events.put(("error", {"error": exc}))

    with _active_lock:
        _active[key] = stop
    threading.Thread(target=work, name="chat-turn", daemon=True).start()
    try:
        while True:
            step, data = events.get()
            while step == "answer":
                try:
                    following = events.get_nowait()
                except queue.Empty:
                    break
                if following[0] != "answer":
                    yield step, data
                step, data = following
            if stop.is_set() and step not in ("done", "error"):
                continue  # stopped: wait quietly for the worker to notice and end
            yield step, data
            if step in ("done", "error"):
                return
    finally:
        stop.set()
        with _active_lock:
            if _active.get(key) is stop:
                del _active[key]


class Steps:
    """The bot's "thinking" bubble: the current step with a spinner, the finished ones with their times."""

    def __init__(self, lang: str | None, first: str):
        self.lang = lang
        self.started = time.perf_counter()
        self.done: list[tuple[str, float]] = []
        self.current: str | None = first
        self.current_started = self.started
        self.outcome: str | None = None  # "steps_done", "steps_failed" or "steps_stopped" once the turn ended

    def _label(self, key: str) -> str:
        return text(key, self.lang) if self.lang else both(key)

    def advance(self, step: str | None) -> None:
        """The current step ended; `step` (if any) starts."""
        now = time.perf_counter()
        if self.current and self.current != step:
            self.done.append((self.current, now - self.current_started))
            self.current, self.current_started = step, now

    def end(self, outcome: str = "steps_done") -> None:
        if outcome == "steps_done":
            self.advance(None)
        self.outcome = outcome

    def message(self) -> dict:
        lines = [f"✓ {self._label('done_' + key)} · {seconds:.2f} s" for key, seconds in self.done]
        if self.outcome is None:
            title = f"{self._label('step_' + self.current)}…"
            lines.append(f"… {self._label('step_' + self.current)}")
            metadata = {"title": title, "status": "pending"}
        else:
            if self.current:  # the step the turn failed or was stopped in
                lines.append(f"✗ {self._label('step_' + self.current)}")
            title = self._label(self.outcome)
            metadata = {"title": title, "status": "done", "duration": round(time.perf_counter() - self.started, 2)}
        return {"role": "assistant", "content": "\n\n".join(lines), "metadata": metadata}


# The page shows the user's message the moment send is pressed, before any server round trip: the same text
# the server will show (HTML escaped, markdown neutralised like ui.render.literal, long messages shortened like
# the handlers do). Nothing is echoed while a turn runs (its stop button is showing) or for an empty message.
_ECHO = r"""(message, history) => {
  const stop = document.querySelector("#STOP_ID");
  history = Array.isArray(history) ? history : [];
  if (typeof message !== "string" || !message.trim() || (stop && stop.offsetParent !== null)) return [history];
  let shown = message.length > LIMIT ? message.slice(0, LIMIT) + "…" : message;
  shown = shown.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
               .replace(/([\\`*_\[\]()!#|~{}$])/g, "\\$1");
  return [[...history, {role: "user", content: [{type: "text", text: shown}], metadata: null, options: null}]];
}"""


def echo_script(stop_id: str, limit: int) -> str:
    """The browser-side function for a js-only listener on send: (message, chat) -> [chat with the message]."""
    return _ECHO.replace("STOP_ID", stop_id).replace("LIMIT", str(int(limit)))


def mark_stopped(history: list[dict] | None, lang: str | None) -> list[dict]:
    """The chat after the stop button: a pending step bubble is closed as stopped, and the bot says so."""
    label = text("steps_stopped", lang) if lang else both("steps_stopped")
    chat = []
    for message in history or []:
        metadata = message.get("metadata") if isinstance(message, dict) else None
        if isinstance(metadata, dict) and metadata.get("status") == "pending":
            message = {**message, "metadata": {**metadata, "title": label, "status": "done"}}
        chat.append(message)
    return chat
