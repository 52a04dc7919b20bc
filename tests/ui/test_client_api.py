"""The two named endpoints through gradio_client, against the app launched on 127.0.0.1 with rules backends."""
import pytest

from engine.settings import offline_settings


@pytest.fixture
def app_url(running_app):
    return running_app[0]


def test_recommend_and_analytics_endpoints(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(endpoints) == {"/recommend", "/analytics"}  # UI listeners stay out of the API

    reply, trace = client.predict("35살, 4인 가족, 30평 아파트, 월 3만원 정도로 정수기 찾아요", api_name="/recommend")
    assert trace["backend"] == "rules" and trace["product_group"] == "정수기"
    assert [pick["prdtGrpCd"] for pick in trace["top"]] == ["정수기"] * 3
    assert trace["features"]["age"] == 35 and trace["top"][0]["name"] in reply

    answer, sql_trace = client.predict("How many customers rent a water purifier?", api_name="/analytics")
    assert sql_trace["backend"] == "rules" and sql_trace["sql"].upper().startswith(("SELECT", "WITH"))
    assert sql_trace["language"] == "en" and f"{sql_trace['rows'][0][-1]:,}" in answer

    refusal, error = client.predict("", api_name="/analytics")
    assert error["code"] == "empty_input" and refusal


def test_each_call_uses_a_fresh_session(app_url):
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    client.predict("저는 35살이에요", api_name="/recommend")
    _, trace = client.predict("정수기 찾아요", api_name="/recommend")
    assert trace["sources"]["age"] == "default"


def test_sharing_without_auth_warns_and_auth_must_name_a_user():
    import demo

    assert "--auth" in demo.share_warning(offline_settings(share=True))
    assert demo.share_warning(offline_settings(share=True, auth="ana:s3cret")) is None
    assert demo.share_warning(offline_settings()) is None
    assert demo.auth_pair(offline_settings(auth="ana:s3:cret")) == ("ana", "s3:cret")
    for malformed in ("no-colon", ":password", "user:"):
        with pytest.raises(SystemExit, match="user:password"):
            demo.auth_pair(offline_settings(auth=malformed))
