"""Consultation requests: field checks, the consent rule, the per-session rate limit, the retention period, and
that no name or phone number reaches a log or the audit log."""
import json
import logging
from datetime import datetime, timedelta, timezone

import pytest

from core.contact import mask_phone, normalise_phone
from core.errors import BadInput, ConsultFieldInvalid, TooManyConsultations
from db.state.leads import LeadStore
from engine.app import Engine
from engine.consult import ConsultDesk
from engine.session import ChatSession
from engine.settings import offline_settings

NAME, PHONE = "김민지", "010-9876-5432"


@pytest.fixture
def engine(tmp_path):
    return Engine(offline_settings(state_database_url=f"sqlite:///{tmp_path / 'state.db'}"))


@pytest.fixture
def desk(engine):
    return ConsultDesk(engine)


def _session() -> ChatSession:
    session = ChatSession()
    session.remember_features({"age": 35.0, "household": 4.0, "budget": None}, "정수기")
    session.last_top = ["WP01", "WP02", "WP03"]
    return session


@pytest.mark.parametrize("raw, expected", [
    ("010-1234-5678", "010-1234-5678"), ("01012345678", "010-1234-5678"), ("010 1234 5678", "010-1234-5678"),
    ("+82 10-1234-5678", "010-1234-5678"), ("+82 (0)10 1234 5678", "010-1234-5678"), ("+821012345678", "010-1234-5678"),
    ("02-123-4567", "02-123-4567"), ("0212345678", "02-1234-5678"), ("031-123-4567", "031-123-4567"),
    ("064.1234.5678", "064-1234-5678"), ("０１０-１２３４-５６７８", "010-1234-5678"),
])
def test_phone_numbers_are_normalised(raw, expected):
    assert normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "1234", "010-123-456", "010-1234-56789", "abc", "+1 555 123 4567",
                                 "05-123-4567", "070-1234-5678x", "010-1234-5678; DROP TABLE", None, 1012345678,
                                 "٠١٠١٢٣٤٥٦٧٨", "0" * 40])
def test_bad_phone_numbers_are_refused_naming_the_field(raw):
    with pytest.raises(ConsultFieldInvalid) as caught:
        normalise_phone(raw)
    assert caught.value.field == "phone" and "전화번호" in caught.value.message("ko")


def test_the_masked_phone_keeps_only_the_code_and_last_four():
    assert mask_phone("010-1234-5678") == "010-****-5678" and mask_phone("02-123-4567") == "02-****-4567"


@pytest.mark.parametrize("name, phone, when, consent, field", [
    ("", PHONE, "", True, "name"), ("   ", PHONE, "", True, "name"), ("가" * 41, PHONE, "", True, "name"),
    (NAME, "12", "", True, "phone"), (NAME, PHONE, "x" * 61, True, "preferred_time"),
    (NAME, PHONE, "", False, "consent"), (NAME, PHONE, "", None, "consent"), (NAME, PHONE, "", "true", "consent"),
    ({"a": 1}, PHONE, "", True, "name"),
])
def test_bad_form_input_stores_nothing(desk, name, phone, when, consent, field):
    with pytest.raises(ConsultFieldInvalid) as caught:
        desk.request(name, phone, when, consent, _session(), session_id="s1")
    assert caught.value.field == field
    assert caught.value.to_json("en")["field"] == field
    assert desk.list() == []


def test_with_consent_the_request_keeps_the_products_and_facts(desk):
    done = desk.request(f"  {NAME} ", "+82 10 9876 5432", "평일 저녁 7시 이후", True, _session(), session_id="s1")
    assert "접수 번호" in done["confirmation"] and "number" in done["confirmation"] and "90" in done["confirmation"]
    lead = desk.store.get(done["lead_id"])
    assert (lead["name"], lead["phone"], lead["preferred_time"]) == (NAME, PHONE, "평일 저녁 7시 이후")
    assert lead["products"] == ["WP01", "WP02", "WP03"]
    assert lead["facts"] == {"features": {"age": 35.0, "household": 4.0}, "group": "정수기"}
    assert lead["status"] == "new" and lead["consent_at"]


def test_listing_is_newest_first_and_masked_until_opened(desk, engine):
    first = desk.request(NAME, PHONE, "", True, None, session_id="a")["lead_id"]
    second = desk.request("Alex Kim", "02-555-1234", "", True, None, session_id="b")["lead_id"]
    listed = desk.list()
    assert [lead["id"] for lead in listed] == [second, first]
    assert listed[1]["phone"] == "010-****-5432" and NAME not in json.dumps(listed, ensure_ascii=False)
    opened = desk.open(first, "alice")
    assert opened["phone"] == PHONE and opened["name"] == NAME
    assert engine.state.recent_audit(1)[0] | {"at": None} == {
        "at": None, "staff": "alice", "action": "open_lead", "question": f"lead {first}", "sql": None,
        "row_count": None, "outcome": "ok"}
    handled = desk.mark_handled(first, "alice")
    assert handled["status"] == "handled" and handled["handled_by"] == "alice"
    assert [lead["id"] for lead in desk.list(status="new")] == [second]


def test_requests_are_rate_limited_per_session(engine):
    now = [0.0]
    desk = ConsultDesk(engine, clock=lambda: now[0])
    for _ in range(3):
        desk.request(NAME, PHONE, "", True, None, session_id="s1")
    with pytest.raises(TooManyConsultations) as caught:
        desk.request(NAME, PHONE, "", True, None, session_id="s1")
    assert "1시간에 3회" in caught.value.message("ko")
    assert len(desk.list()) == 3  # the refused one stored nothing
    desk.request(NAME, PHONE, "", True, None, session_id="s2")  # another session is not held back
    with pytest.raises(ConsultFieldInvalid):  # a typo is answered, and does not count
        desk.request(NAME, "12", "", True, None, session_id="s3")
    now[0] = 3600.0
    desk.request(NAME, PHONE, "", True, None, session_id="s1")  # an hour later the window has moved on


def test_requests_older_than_the_retention_setting_are_deleted(engine):
    moment = [datetime(2025, 1, 1, tzinfo=timezone.utc)]
    store = LeadStore(engine.state, retention_days=engine.settings.lead_retention_days, clock=lambda: moment[0])
    old = store.add(name=NAME, phone=PHONE, preferred_time=None, products=[], facts={}, language="ko")["id"]
    moment[0] += timedelta(days=60)
    kept = store.add(name=NAME, phone=PHONE, preferred_time=None, products=[], facts={}, language="ko")["id"]
    moment[0] += timedelta(days=31)  # the first is now 91 days old, the second 31
    assert [lead["id"] for lead in store.list()] == [kept]
    moment[0] += timedelta(days=60)
    newest = store.add(name=NAME, phone=PHONE, preferred_time=None, products=[], facts={}, language="ko")["id"]
    assert [lead["id"] for lead in store.list(show_contact=True)] == [newest]  # adding swept the second one
    assert newest > kept > old  # a deleted request's id is not reused, so the audit's "lead N" stays one person
    for gone in (old, kept):
        with pytest.raises(BadInput):
            store.get(gone)


def test_no_contact_detail_reaches_a_log_or_the_audit_log(desk, engine, caplog):
    caplog.set_level(logging.DEBUG)
    lead = desk.request(NAME, "010 9876 5432", "내일 오전", True, _session(), session_id="s1")["lead_id"]
    for bad in (("", PHONE), (NAME, "010-98"), (NAME, "+1 202 555 0100")):
        with pytest.raises(ConsultFieldInvalid) as caught:
            desk.request(*bad, "", True, None, session_id="s1")
        assert NAME not in str(caught.value) and "98" not in caught.value.message("en")
    desk.open(lead, "alice")
    desk.mark_handled(lead, "alice")
    desk.export("alice")
    logged = caplog.text + json.dumps(engine.state.recent_audit(50), ensure_ascii=False)
    for secret in (NAME, PHONE, "9876", "5432", "01098765432", "내일 오전"):
        assert secret not in logged
    assert f"lead {lead}" in logged


def test_cli_leads_list_masks_unless_show_contact(monkeypatch, tmp_path, capsys):
    from engine.cli import main
    from engine.settings import load_settings

    monkeypatch.setenv("STATE_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    ConsultDesk(Engine(load_settings())).request(NAME, PHONE, "", True, _session(), session_id="s")
    assert main(["leads", "list"]) == 0
    masked = json.loads(capsys.readouterr().out)["leads"]
    assert masked[0]["phone"] == "010-****-5432" and NAME not in json.dumps(masked, ensure_ascii=False)
    assert masked[0]["products"] == ["WP01", "WP02", "WP03"]
    assert main(["leads", "list", "--show-contact"]) == 0
    shown = json.loads(capsys.readouterr().out)["leads"]
    assert (shown[0]["name"], shown[0]["phone"]) == (NAME, PHONE)
