"""A real browser against a deliberately slow LLM backend: the message and the current step show at once, the
answer arrives later, and the stop button ends a turn so the next one works."""
import json
import time
from pathlib import Path

import pytest

from bench.slow_openai import SlowOpenAI
from engine.app import Engine
from engine.settings import offline_settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SLOW_SECONDS = 2.0
WAIT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed: apt-get install -y chromium"),
]


@pytest.fixture
def slow_app(small_db, tmp_path, monkeypatch):
    from app_server import serving

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    backend = SlowOpenAI(SLOW_SECONDS)
    engine = Engine(offline_settings(database_url=small_db, vectorizer="openai", sql_generator="openai",
                                     openai_base_url=backend.url, openai_model="slow",
                                     state_database_url=f"sqlite:///{tmp_path / 'state.db'}", llm_result_rows=True))
    try:
        with serving(engine) as server:
            yield server.url
    finally:
        backend.close()


@pytest.fixture
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser.new_context(viewport={"width": 1440, "height": 1000}, locale="ko-KR").new_page()
        finally:
            browser.close()


def _visible(page, selector: str, text: str, timeout: float = WAIT_MS) -> None:
    page.locator(selector).filter(has_text=text).first.wait_for(state="visible", timeout=timeout)


def test_a_slow_turn_shows_life_at_once_and_can_be_stopped(slow_app, page):
    page.goto(slow_app)
    page.locator("#recommend-input textarea").wait_for(timeout=WAIT_MS)

    page.locator("#recommend-input textarea").fill("35살 4인 가족이에요")
    started = time.perf_counter()
    page.locator("#recommend-input-send").click()
    _visible(page, "#recommend-chat", "35살 4인 가족이에요")
    _visible(page, "#recommend-chat", "메시지 읽는 중")
    assert time.perf_counter() - started < SLOW_SECONDS  # shown while the backend is still thinking
    assert page.locator("#recommend-input textarea").input_value() == ""
    page.locator("#recommend-input-stop").wait_for(state="visible", timeout=WAIT_MS)
    _visible(page, "#recommend-chat", "▰")  # the reply, once the backend answered
    _visible(page, "#recommend-chat", "완료")
    assert page.locator("#recommend-chat").inner_text().count("35살 4인 가족이에요") == 1  # the page's echo was replaced
    page.locator("#recommend-input-stop").wait_for(state="hidden", timeout=WAIT_MS)
    _visible(page, "#vector-panel", "추출")

    page.goto(f"{slow_app}/staff/")
    page.locator("#analytics-input textarea").wait_for(timeout=WAIT_MS)
    page.locator("#analytics-input textarea").fill("제품별 사용자 수 알려줘")
    page.locator("#analytics-input-send").click()
    _visible(page, "#analytics-chat", "SQL 작성 중")
    page.locator("#analytics-input-stop").click()
    _visible(page, "#analytics-chat", "중지했어요")
    page.locator("#analytics-input-stop").wait_for(state="hidden", timeout=WAIT_MS)
    time.sleep(SLOW_SECONDS)  # the stopped turn's backend call ends; nothing of it may appear
    assert page.locator("#analytics-table").is_hidden()

    page.locator("#analytics-input textarea").fill("제품별 사용자 수 다시 알려줘")
    page.locator("#analytics-input-send").click()
    _visible(page, "#analytics-chat", "매트리스 고객이 가장 적어요")  # the streamed answer, to its end
    _visible(page, "#analytics-chat", "완료")
    _visible(page, "#analytics-sql", "SELECT")


@pytest.mark.parametrize("text", ["<b>40살</b> & **bold** [link](x) `code` #1 | a_b ~c {d} $e \\ !f", "x" * 400, "  "])
def test_the_pages_own_echo_shows_what_the_server_will(page, text):
    """The echo (ui.turns.echo_script) escapes and shortens exactly as the handlers' user bubble does."""
    from ui import handlers
    from ui.turns import echo_script

    page.set_content('<button id="recommend-input-stop" style="display:none">stop</button>')
    (chat,) = page.evaluate(f"({echo_script('recommend-input-stop', handlers.SHOWN_INPUT_CHARS)})({json.dumps(text)}, [])")
    bubble = handlers.user_bubble(text)
    assert [m["content"][0]["text"] for m in chat] == [b["content"] for b in bubble]
    if bubble:
        assert handlers.without_echo([{"role": "user", "content": chat[0]["content"]}], text) == []
    page.set_content('<button id="recommend-input-stop">stop</button>')  # a turn is running: no echo
    (chat,) = page.evaluate(f"({echo_script('recommend-input-stop', 300)})('hi', [])")
    assert chat == []
