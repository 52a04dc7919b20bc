"""A consultation request from the customer app: check the fields, require consent, bound requests per browser
session, store the request with the recommended products and the conversation's facts, and confirm in both
languages. Staff open, handle and export requests through the same desk, each action audited by lead id only:
names and phone numbers never reach a log or the audit log."""
from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque

from core.contact import check_name, check_preferred_time, normalise_phone
from core.errors import ConsultFieldInvalid, TooManyConsultations
from db.state.leads import LeadStore
from engine.session import ChatSession

log = logging.getLogger(__name__)
WINDOW_SECONDS = 3600.0
_MAX_KEYS = 100_000
EXPORT_COLUMNS = ["id", "created_at", "status", "name", "phone", "preferred_time", "products", "facts",
                  "handled_by", "handled_at"]


class ConsultLimiter:
    """A sliding one-hour window per browser session; only stored requests count, so a typo costs nothing."""

    def __init__(self, per_hour: int, clock=time.monotonic):
        self.per_hour, self._clock = per_hour, clock
        self._lock = threading.Lock()
        self._events: dict[str, deque[float]] = {}

    def check(self, key: str | None) -> None:
        if not key:
            return
        now = self._clock()
        with self._lock:
            window = self._window(key, now)
            if len(window) >= self.per_hour:
                minutes = max(1, math.ceil((WINDOW_SECONDS - (now - window[0])) / 60))
                raise TooManyConsultations(minutes=minutes, limit=self.per_hour)

    def count(self, key: str | None) -> None:
        if key:
            with self._lock:
                self._window(key, self._clock()).append(self._clock())

    def _window(self, key: str, now: float) -> deque[float]:
        if len(self._events) > _MAX_KEYS:
            for idle in [k for k, w in self._events.items() if not w or now - w[-1] >= WINDOW_SECONDS]:
                del self._events[idle]
        window = self._events.setdefault(key, deque())
        while window and now - window[0] >= WINDOW_SECONDS:
            window.popleft()
        return window


def confirmation(lead_id: int, retention_days: int) -> str:
    return (f"상담 신청을 받았어요 (접수 번호 {lead_id}). 담당자가 곧 연락드릴게요. 신청 내용은 {retention_days}일 뒤 삭제돼요.\n"
            f"Your consultation request is in (number {lead_id}). Our staff will call you soon. "
            f"It is deleted after {retention_days} days.")


class ConsultDesk:
    """One per app; the front ends call only this, never db.state.leads directly."""

    def __init__(self, engine, clock=time.monotonic):
        self.engine = engine
        self.retention_days = engine.settings.lead_retention_days
        self.store = LeadStore(engine.state, self.retention_days)
        self.limiter = ConsultLimiter(engine.settings.consult_requests_per_hour, clock)

    # --- customers ----------------------------------------------------------------------------
    def request(self, name, phone, preferred_time, consent, session: ChatSession | None, *,
                session_id: str | None, language: str = "ko") -> dict:
        """Store one request, or raise the ChatError naming the field; nothing is stored on any refusal."""
        name = check_name(name)
        phone = normalise_phone(phone)
        preferred_time = check_preferred_time(preferred_time)
        if consent is not True:
            raise ConsultFieldInvalid("consent", "tick the box to agree to being contacted",
                                      detail_ko="연락을 위한 개인정보 수집·이용에 동의해 주세요")
        self.limiter.check(session_id)
        session = session if isinstance(session, ChatSession) else ChatSession()
        facts = {"features": dict(session.carried), "group": session.carried_group}
        lead = self.store.add(name=name, phone=phone, preferred_time=preferred_time,
                              products=list(session.last_top), facts=facts, language=language)
        self.limiter.count(session_id)
        log.info("consultation request %d stored", lead["id"])
        return {"lead_id": lead["id"], "products": lead["products"], "facts": lead["facts"],
                "retention_days": self.retention_days, "confirmation": confirmation(lead["id"], self.retention_days)}

    # --- staff --------------------------------------------------------------------------------
    def list(self, *, show_contact: bool = False, status: str | None = None) -> list[dict]:
        return self.store.list(show_contact=show_contact, status=status)

    def open(self, lead_id, staff: str | None) -> dict:
        lead = self.store.get(lead_id, show_contact=True)
        self.engine.state.record("open_lead", staff=staff, outcome="ok", question=f"lead {lead['id']}")
        return lead

    def mark_handled(self, lead_id, staff: str | None) -> dict:
        lead = self.store.mark_handled(lead_id, staff)
        self.engine.state.record("handle_lead", staff=staff, outcome="ok", question=f"lead {lead['id']}")
        return lead

    def export(self, staff: str | None) -> tuple[list[str], list[list]]:
        """Every kept request with its contact details, for a staff CSV; audited by count only."""
        leads = self.store.list(show_contact=True)
        self.engine.state.record("export_leads", staff=staff, outcome="ok", question=f"leads {len(leads)}",
                                 row_count=len(leads))
        rows = [[lead["id"], lead["created_at"], lead["status"], lead["name"], lead["phone"], lead["preferred_time"],
                 ",".join(lead["products"]), _facts_text(lead["facts"]), lead["handled_by"], lead["handled_at"]]
                for lead in leads]
        return EXPORT_COLUMNS, rows


def _facts_text(facts: dict) -> str:
    features = facts.get("features") or {}
    parts = [f"{name}={value:g}" for name, value in sorted(features.items()) if isinstance(value, (int, float))]
    if facts.get("group"):
        parts.append(f"group={facts['group']}")
    return "; ".join(parts)
