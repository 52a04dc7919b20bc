"""The staff side of the engine: sign-in with its bounds, and analytics that leave a record in the audit log
(who, when, the question, the SQL that ran, the row count and the outcome)."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from core.errors import ChatError, describe_unexpected
from engine.limits import LoginGuard
from engine.session import ChatSession

if TYPE_CHECKING:
    from engine.analytics import AnalyticsAnswer
    from engine.app import Engine
    from engine.sql_exec import QueryResult

log = logging.getLogger(__name__)


class StaffDesk:
    def __init__(self, engine: Engine):
        self.engine = engine
        settings = engine.settings
        self.logins = LoginGuard(settings.login_max_failures, settings.login_lockout_seconds)

    @property
    def state(self):
        return self.engine.state

    def login_required(self) -> bool:
        """With at least one account, /staff/ always asks for a sign-in."""
        return self.state.staff_count() > 0

    def sign_in(self, name: str, password: str, address: str | None) -> tuple[bool, float]:
        """(accepted, seconds to hold the answer back). Raises LoginRefused while locked out, before any
        password is checked, so a locked account cannot be probed."""
        name = (name or "").strip()
        self.logins.check(name, address)
        if self.state.verify_staff(name, password or ""):
            self.logins.succeeded(name, address)
            return True, 0.0
        delay = self.logins.failed(name, address)
        log.warning("failed staff sign-in from %s", address or "an unknown address")
        return False, delay

    def ask(self, question: str, session: ChatSession, backend: str | None, staff: str | None,
            progress=None) -> AnalyticsAnswer:
        try:
            answer = self.engine.ask(question, session, backend, progress)
        except ChatError as exc:
            self._record("analytics", staff, question, exc.sql, None, exc.code)
            raise
        self._record("analytics", staff, question, answer.sql, len(answer.rows), "ok")
        return answer

    def run_sql(self, sql: str, staff: str | None) -> QueryResult:
        try:
            result = self.engine.run_sql(sql)
        except ChatError as exc:
            self._record("run_sql", staff, None, sql if isinstance(sql, str) else None, None, exc.code)
            raise
        self._record("run_sql", staff, None, sql, len(result.rows), "ok")
        return result

    def _record(self, action, staff, question, sql, row_count, outcome) -> None:
        """An audit write that fails is logged loudly but does not take the answer away from the analyst."""
        try:
            self.state.record(action, staff=staff, question=question, sql=sql, row_count=row_count, outcome=outcome)
        except Exception as exc:
            log.error("audit log write failed: %s", describe_unexpected(exc))
