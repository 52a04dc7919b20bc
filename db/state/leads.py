"""Consultation requests ("leads") in the app-state database: add, list newest first, get, mark handled, and
delete those older than the retention period. Only storage lives here; the checks, consent, rate limit and
audit trail are the engine's (engine/consult.py). Contact details are never logged from here."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select

from core.contact import mask_phone
from core.errors import BadInput
from db.state.schema import ConsultationRequest
from db.state.store import StateStore

STATUSES = ("new", "handled")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat()


def _lead_json(lead: ConsultationRequest, show_contact: bool) -> dict:
    return {"id": lead.id, "created_at": _iso(lead.created_at), "status": lead.status,
            "name": lead.name if show_contact else _mask_name(lead.name),
            "phone": lead.phone if show_contact else mask_phone(lead.phone),
            "preferred_time": lead.preferred_time, "products": json.loads(lead.products or "[]"),
            "facts": json.loads(lead.facts or "{}"), "language": lead.language,
            "consent_at": _iso(lead.consent_at), "handled_by": lead.handled_by, "handled_at": _iso(lead.handled_at)}


def _mask_name(name: str) -> str:
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else ""


class LeadStore:
    """Consultation requests over one StateStore; thread-safe like it (a short session per call)."""

    def __init__(self, state: StateStore, retention_days: int, clock=_now):
        self.state, self.retention_days, self._clock = state, retention_days, clock

    def add(self, *, name: str, phone: str, preferred_time: str | None, products: list[str], facts: dict,
            language: str) -> dict:
        """Store an already-checked request (the caller confirmed consent); expired ones go first."""
        self.delete_expired()
        now = self._clock()
        lead = ConsultationRequest(created_at=now, name=name, phone=phone, preferred_time=preferred_time,
                                   consent_at=now, products=json.dumps(list(products)),
                                   facts=json.dumps(facts, ensure_ascii=False, sort_keys=True),
                                   language=language if language in ("ko", "en") else "ko", status="new")
        with self.state.session() as session, session.begin():
            session.add(lead)
        return _lead_json(lead, show_contact=False)

    def list(self, *, show_contact: bool = False, status: str | None = None, limit: int = 500) -> list[dict]:
        """Newest first; names and phones masked unless `show_contact`."""
        self.delete_expired()
        query = select(ConsultationRequest).order_by(ConsultationRequest.id.desc()).limit(limit)
        if status in STATUSES:
            query = query.where(ConsultationRequest.status == status)
        with self.state.session() as session:
            leads = session.scalars(query).all()
        return [_lead_json(lead, show_contact) for lead in leads]

    def get(self, lead_id, *, show_contact: bool = True) -> dict:
        with self.state.session() as session:
            lead = session.get(ConsultationRequest, _lead_id(lead_id))
        if lead is None:
            raise _no_such(lead_id)
        return _lead_json(lead, show_contact)

    def mark_handled(self, lead_id, staff: str | None) -> dict:
        with self.state.session() as session, session.begin():
            lead = session.get(ConsultationRequest, _lead_id(lead_id))
            if lead is None:
                raise _no_such(lead_id)
            lead.status, lead.handled_by, lead.handled_at = "handled", staff, self._clock()
        return _lead_json(lead, show_contact=False)

    def delete_older_than(self, days: int) -> int:
        cutoff = self._clock() - timedelta(days=days)
        with self.state.session() as session, session.begin():
            return int(session.execute(delete(ConsultationRequest).where(ConsultationRequest.created_at < cutoff))
                       .rowcount or 0)

    def delete_expired(self) -> int:
        return self.delete_older_than(self.retention_days)


def _lead_id(value) -> int:
    try:
        ident = int(str(value).strip())
    except (TypeError, ValueError):
        raise BadInput("a request id is a whole number", detail_ko="요청 번호는 정수예요") from None
    if not 0 < ident < 2**31:
        raise BadInput("a request id is a positive whole number", detail_ko="요청 번호는 양의 정수예요")
    return ident


def _no_such(ident) -> BadInput:
    shown = str(ident)[:12]
    return BadInput(f"there is no consultation request {shown}", detail_ko=f"{shown}번 상담 요청이 없어요")
