"""The customer app's `/consult` endpoint: a request with consent is stored and confirmed with its lead_id; a
bad field or no consent is refused naming the field and stores nothing; nothing of another request comes back."""
from __future__ import annotations

import json

import pytest
from gradio_client import Client

from engine.consult import ConsultDesk

pytestmark = pytest.mark.slow


def test_consult_stores_with_consent_and_refuses_bad_fields(running_app):
    url, engine = running_app
    desk = ConsultDesk(engine)
    client = Client(url, verbose=False)
    other = Client(url, verbose=False)
    reply, trace = other.predict("이수진", "010-2222-3333", "", True, api_name="/consult")
    assert "접수 번호" in reply and trace["lead_id"] >= 1
    for args, field in ((("", "010-1234-5678", "", True), "name"), (("박지훈", "12345", "", True), "phone"),
                        (("박지훈", "010-1234-5678", "x" * 61, True), "preferred_time"),
                        (("박지훈", "010-1234-5678", "", False), "consent")):
        reply, trace = client.predict(*args, api_name="/consult")
        assert trace["field"] == field and "lead_id" not in trace, (field, trace)
    assert len(desk.list()) == 1
    reply, trace = client.predict("박지훈", "+82 10 1234 5678", "평일 저녁", True, api_name="/consult")
    assert "Your consultation request is in" in reply
    dumped = json.dumps([reply, trace], ensure_ascii=False)
    assert "이수진" not in dumped and "2222" not in dumped and "3333" not in dumped
    assert desk.store.get(trace["lead_id"])["phone"] == "010-1234-5678"
