"""The engine as one web request sees it: each backend-calling turn is counted against the caller's session
and address first (a refusal calls no backend), and on the staff app every analytics request and edited SQL
goes through the audit log under the signed-in name. Handlers take it wherever they take the engine."""
from __future__ import annotations

import gradio as gr

from core.errors import StaffOnly
from engine.limits import TurnLimiter


def caller(request: gr.Request | None) -> tuple[str | None, str | None]:
    """(session, client address) of a Gradio request; both None outside one (a direct call in a test)."""
    if request is None:
        return None, None
    client = getattr(request, "client", None)
    return getattr(request, "session_hash", None), getattr(client, "host", None)


class RequestEngine:
    def __init__(self, engine, limiter: TurnLimiter, app: str, request: gr.Request | None, staff: str | None = None):
        self.engine, self.limiter, self.app, self.staff = engine, limiter, app, staff
        self.session_id, self.address = caller(request)

    def __getattr__(self, name):  # settings, registry, fallback_for, ...: the engine's own
        return getattr(self.engine, name)

    def _admit(self) -> None:
        self.limiter.admit(self.app, self.session_id, self.address)

    def recommend(self, text, session=None, backend=None, progress=None):
        self._admit()
        return self.engine.recommend(text, session, backend, progress)

    def ask(self, question, session=None, backend=None, progress=None):
        self._staff_only()
        self._admit()
        return self.engine.staff.ask(question, session, backend, self.staff, progress)

    def run_sql(self, sql):
        self._staff_only()
        self._admit()
        return self.engine.staff.run_sql(sql, self.staff)

    def _staff_only(self) -> None:
        """Customer rows are for the staff app only, whatever a caller of the customer app sends."""
        if self.app != "staff":
            raise StaffOnly()
