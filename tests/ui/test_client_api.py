"""The named endpoints through gradio_client: /recommend on the customer app, /analytics on the staff app."""
import pytest

from engine.settings import offline_settings
from ui.server import LaunchRefused, staff_open_access


@pytest.fixture
def app_url(running_app):
    return running_app[0]


def test_recommend_and_analytics_endpoints(app_url):
    from gradio_client import Client

    customer = Client(f"{app_url}/", verbose=False)
    endpoints = customer.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(endpoints) == {"/recommend", "/consult"}  # UI listeners stay out of the API; analytics is not here

    reply, trace = customer.predict("35살, 4인 가족, 30평 아파트, 월 3만원 정도로 정수기 찾아요", api_name="/recommend")
    assert trace["backend"] == "rules" and trace["product_group"] == "정수기"
    assert [pick["prdtGrpCd"] for pick in trace["top"]] == ["정수기"] * 3
    assert trace["features"]["age"] == 35 and trace["top"][0]["name"] in reply

    staff = Client(f"{app_url}/staff/", verbose=False)
    assert set(staff.view_api(print_info=False, return_format="dict")["named_endpoints"]) == {"/analytics"}
    answer, sql_trace = staff.predict("How many customers rent a water purifier?", api_name="/analytics")
    assert sql_trace["backend"] == "rules" and sql_trace["sql"].upper().startswith(("SELECT", "WITH"))
    assert sql_trace["language"] == "en" and f"{sql_trace['rows'][0][-1]:,}" in answer

    refusal, error = staff.predict("", api_name="/analytics")
    assert error["code"] == "empty_input" and refusal


def test_each_call_uses_a_fresh_session(app_url):
    from gradio_client import Client

    client = Client(f"{app_url}/", verbose=False)
    client.predict("저는 35살이에요", api_name="/recommend")
    _, trace = client.predict("정수기 찾아요", api_name="/recommend")
    assert trace["sources"]["age"] == "default"


@pytest.mark.parametrize("host, share, accounts, expected", [
    ("127.0.0.1", False, 0, True),
    ("localhost", False, 0, True),
    ("::1", False, 0, True),
    ("127.0.0.1", False, 1, False),
    ("0.0.0.0", False, 2, False),
    ("127.0.0.1", True, 1, False),
])
def test_staff_app_is_open_only_on_loopback_with_no_account(host, share, accounts, expected):
    assert staff_open_access(offline_settings(host=host, share=share), accounts) is expected


@pytest.mark.parametrize("host, share", [("0.0.0.0", False), ("192.168.0.10", False), ("127.0.0.1", True)])
def test_a_reachable_server_with_no_staff_account_refuses_to_launch(host, share):
    with pytest.raises(LaunchRefused, match="staff add NAME --password-stdin"):
        staff_open_access(offline_settings(host=host, share=share), 0)
