"""Two audiences, two doors: the public customer app reaches no customer row and runs no caller SQL, the
staff app refuses every route to a caller who has not signed in, and signed-in staff get analytics."""
from __future__ import annotations

import json

import httpx
import pytest

from engine.app import Engine
from engine.sql_exec import ReadOnlyDatabase
from queue_client import call, config
from app_server import serving

pytestmark = pytest.mark.slow

HOSTILE_SQL = "SELECT * FROM customer WHERE id > 0 ORDER BY id LIMIT 1000"
PASSWORD = "a long staff password 42"


@pytest.fixture
def executed(monkeypatch):
    """Every statement the customer database is asked to run, whoever asks."""
    seen: list[str] = []
    original = ReadOnlyDatabase.run

    def spy(self, sql):
        seen.append(sql)
        return original(self, sql)

    monkeypatch.setattr(ReadOnlyDatabase, "run", spy)
    return seen


@pytest.fixture
def staffed(ui_settings):
    """The server with one staff account, so /staff/ always asks for a sign-in."""
    engine = Engine(ui_settings.model_copy(update={"login_max_failures": 3, "login_lockout_seconds": 30.0}))
    engine.state.add_staff("alice", PASSWORD)
    engine.state.add_staff("bob", PASSWORD + "!")
    with serving(engine, open_access=False) as server:
        yield server, engine


def _sign_in(base: str, name: str, password: str, **client_options) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=30, **client_options) as client:
        return client.post("/staff/login", data={"username": name, "password": password}, follow_redirects=False)


def _rows_of(engine) -> list[list]:
    return engine.run_sql("SELECT * FROM customer ORDER BY id LIMIT 5").rows


def test_no_event_of_the_customer_app_returns_a_customer_row_or_runs_caller_sql(running_app, executed):
    url, engine = running_app
    sample = [json.dumps(row) for row in _rows_of(engine)]
    executed.clear()
    dependencies = config(url).json()["dependencies"]
    assert dependencies, "the customer app has events to probe"
    for dependency in dependencies:
        outcome = call(url, dependency["id"], [HOSTILE_SQL] * len(dependency["inputs"]))
        dumped = json.dumps(outcome, ensure_ascii=False)
        assert not any(row in dumped for row in sample), dependency.get("api_name")
    assert executed == [], f"the customer app ran SQL: {executed[:3]}"


def test_the_customer_app_has_no_table_editor_or_analytics_endpoint(running_app):
    url, _ = running_app
    components = {c.get("type") for c in config(url).json()["components"]}
    assert not components & {"dataframe", "code", "downloadbutton", "file"}
    refused = httpx.post(f"{url}/gradio_api/call/analytics", json={"data": [HOSTILE_SQL]}, timeout=30)
    assert refused.status_code >= 400 and "event_id" not in refused.text


def test_the_staff_app_refuses_every_route_without_sign_in(staffed, executed):
    server, engine = staffed
    url = server.url
    staff = f"{url}/staff"
    page = httpx.get(f"{staff}/", follow_redirects=False, timeout=30)
    assert page.status_code == 303 and page.headers["location"].endswith("/staff/login")
    for path in ("/config", "/gradio_api/info", "/gradio_api/openapi.json", "/gradio_api/queue/data",
                 "/download/anything"):
        assert httpx.get(f"{staff}{path}", timeout=30).status_code == 401, path
    assert httpx.post(f"{staff}/gradio_api/call/analytics", json={"data": [HOSTILE_SQL]}, timeout=30).status_code == 401
    cookies = {"rc_staff": _sign_in(url, "alice", PASSWORD).cookies["rc_staff"]}
    dependencies = config(staff, cookies).json()["dependencies"]
    for dependency in dependencies:  # hidden ones too, by fn_index, without the cookie
        outcome = call(staff, dependency["id"], [HOSTILE_SQL] * len(dependency["inputs"]))
        assert outcome == {"status": 401}, dependency.get("api_name")
    assert executed == []
    assert httpx.get(f"{staff}/config", cookies={"rc_staff": "forged"}, timeout=30).status_code == 401


def test_signed_in_staff_get_analytics_and_each_request_is_audited(staffed):
    from gradio_client import Client

    server, engine = staffed
    signed = _sign_in(server.url, "alice", PASSWORD)
    assert signed.status_code == 303 and signed.headers["location"].endswith("/staff/")
    token = signed.cookies["rc_staff"]
    assert httpx.get(f"{server.url}/staff/", cookies={"rc_staff": token}, timeout=30).status_code == 200
    client = Client(f"{server.url}/staff/", verbose=False, headers={"Cookie": f"rc_staff={token}"})
    answer, trace = client.predict("제품별 사용자수", api_name="/analytics")
    assert trace["rows"] and "prdtCd" in trace["sql"]
    [entry] = engine.state.recent_audit(last=1)
    assert entry["staff"] == "alice" and entry["question"] == "제품별 사용자수"
    assert entry["sql"] == trace["sql"] and entry["row_count"] == len(trace["rows"]) and entry["outcome"] == "ok"
    signed_out = httpx.get(f"{server.url}/staff/logout", cookies={"rc_staff": token}, follow_redirects=False)
    assert signed_out.status_code == 303
    assert httpx.get(f"{server.url}/staff/config", cookies={"rc_staff": token}, timeout=30).status_code == 401


def test_failed_sign_ins_are_slowed_then_locked_per_account_and_per_address(staffed):
    server, _ = staffed
    for _ in range(3):
        wrong = _sign_in(server.url, "alice", "not the password")
        assert wrong.status_code == 401 and "do not match" in wrong.text
    locked = _sign_in(server.url, "alice", PASSWORD)  # even the right password waits out the lockout
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text and "rc_staff" not in locked.cookies
    other_address = httpx.HTTPTransport(local_address="127.0.0.2")
    assert _sign_in(server.url, "alice", PASSWORD, transport=other_address).status_code == 429  # the account
    assert _sign_in(server.url, "bob", PASSWORD + "!").status_code == 429  # and this address, for any account
    fresh = httpx.HTTPTransport(local_address="127.0.0.3")
    assert _sign_in(server.url, "bob", PASSWORD + "!", transport=fresh).status_code == 303


def test_a_csv_can_be_fetched_only_by_the_session_that_made_it(staffed):
    server, _ = staffed
    staff = f"{server.url}/staff"
    alice = {"rc_staff": _sign_in(server.url, "alice", PASSWORD).cookies["rc_staff"]}
    bob = {"rc_staff": _sign_in(server.url, "bob", PASSWORD + "!").cookies["rc_staff"]}
    run_sql = next(d for d in config(staff, alice).json()["dependencies"] if len(d["inputs"]) == 4
                   and d.get("api_name", "").startswith("run_edited"))
    outcome = call(staff, run_sql["id"], ["SELECT prdtCd, COUNT(*) AS n FROM customer GROUP BY prdtCd", [], None, None],
                   cookies=alice)
    link_html = json.dumps(outcome["output"]["data"])
    token = link_html.split("/staff/download/")[1].split('\\"')[0]
    download = httpx.get(f"{staff}/download/{token}", cookies=alice, timeout=30)
    assert download.status_code == 200 and "prdtCd" in download.content.decode("utf-8-sig")
    assert httpx.get(f"{staff}/download/{token}", cookies=bob, timeout=30).status_code == 404
    assert httpx.get(f"{staff}/download/{token}", timeout=30).status_code == 401
    files = list(server.downloads.folder.iterdir())
    assert files and all(f.stat().st_mode & 0o077 == 0 for f in files)
    assert server.downloads.folder.stat().st_mode & 0o077 == 0


def test_turns_past_the_bound_get_a_message_and_call_no_backend(ui_settings):
    from gradio_client import Client

    engine = Engine(ui_settings.model_copy(update={"turns_per_minute": 2}))
    with serving(engine) as server:
        client = Client(f"{server.url}/", verbose=False)
        for _ in range(2):
            assert "top" in client.predict("35살 정수기", api_name="/recommend")[1]
        reply, trace = client.predict("35살 정수기", api_name="/recommend")
        assert trace["code"] == "too_many_turns" and "1분에 2회" in reply


def test_healthz_reports_readiness_without_secrets(running_app):
    url, engine = running_app
    response = httpx.get(f"{url}/healthz", timeout=30)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and all(body[k]["ready"] for k in ("model", "customer_database", "state_database"))
    assert "sqlite" not in response.text and str(engine.settings.database_url) not in response.text
