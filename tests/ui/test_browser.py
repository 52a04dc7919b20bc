"""A real browser (Debian's Chromium through Playwright) using both apps' chats, the panels and the SQL guard.

`UPDATE_SCREENSHOTS=1` also writes the README's screenshots into docs/.
"""
import os
import shutil
from pathlib import Path

import pytest

from core.paths import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 60_000  # generous: the machine is shared and the first request loads the model and database

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed: apt-get install -y chromium"),
]


@pytest.fixture
def app(running_app):
    return running_app


@pytest.fixture
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="ko-KR")
            yield context.new_page()
        finally:
            browser.close()


def _shoot(page, tmp_path: Path, name: str) -> None:
    target = tmp_path / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(target, ROOT / "docs" / f"{name}.png")


def _send(page, prefix: str, message: str) -> None:
    page.locator(f"#{prefix}-input textarea").fill(message)
    page.locator(f"#{prefix}-input-send").click()


def _wait_for_text(page, selector: str, text: str) -> None:
    page.locator(selector).filter(has_text=text).first.wait_for(state="visible", timeout=WAIT_MS)


def test_both_chats_panels_and_sql_refusal_in_a_real_browser(app, page, tmp_path):
    url, engine = app
    page.goto(url)
    page.locator("#recommend-input textarea").wait_for(timeout=WAIT_MS)

    _send(page, "recommend", "35살, 4인 가족이에요. 정수기 찾고 있어요")
    _wait_for_text(page, "#recommend-chat", "▰")
    _wait_for_text(page, "#vector-panel", "추출")
    _send(page, "recommend", "30평 아파트이고 월 3만원 정도 생각해요")
    _wait_for_text(page, "#recommend-chat", "30평 아파트이고")
    _wait_for_text(page, "#vector-panel", "이전 대화")  # age, household and the group carried over
    assert "정수기" in page.locator("#vector-panel").inner_text()
    _shoot(page, tmp_path, "screenshot-recommend")

    _send(page, "recommend", "<b>40살</b>이에요")
    _wait_for_text(page, "#recommend-chat", "<b>40살</b>")  # shown as typed, not rendered as bold HTML
    assert page.locator("#recommend-chat b").count() == 0
    # The bubble shows at once while the turn streams; the panel follows when the backend has read it.
    page.locator("#vector-panel td.rc-num").first.filter(has_text="40").wait_for(state="visible", timeout=WAIT_MS)

    page.locator("#recommend-input-clear").click()
    _wait_for_text(page, "#vector-panel", "메시지를 보내면")
    _send(page, "recommend", "비데 추천해 주세요")
    _wait_for_text(page, "#vector-panel", "비데")
    assert "이전 대화" not in page.locator("#vector-panel").inner_text()  # clearing forgot the carried facts

    page.goto(f"{url}/staff/")
    page.locator("#analytics-input textarea").wait_for(timeout=WAIT_MS)
    _send(page, "analytics", "연령대별 식기세척기 사용자수를 그래프로 보여주고 쿼리도 보여줘")
    _wait_for_text(page, "#analytics-chat", "SELECT")
    page.locator("#analytics-line, #analytics-bar").first.wait_for(state="visible", timeout=WAIT_MS)
    _wait_for_text(page, "#analytics-sql", "SELECT")
    page.locator("#analytics-table").wait_for(state="visible")
    page.wait_for_timeout(800)  # let the plot finish its transition before the screenshot
    _shoot(page, tmp_path, "screenshot-analytics")

    before = engine.run_sql("SELECT COUNT(*) FROM customer").rows[0][0]
    editor = page.locator("#analytics-sql .cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("DROP TABLE customer")
    page.locator("#analytics-run-sql").click()
    _wait_for_text(page, "#analytics-chat", "실행할 수 없어요")
    page.screenshot(path=str(tmp_path / "refusal.png"), full_page=True)
    assert engine.run_sql("SELECT COUNT(*) FROM customer").rows[0][0] == before

    page.get_by_role("tab", name="모델 / Model").click()
    _wait_for_text(page, "#model-card", "%")
    page.wait_for_timeout(500)
    _shoot(page, tmp_path, "screenshot-model")
