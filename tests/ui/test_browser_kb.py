"""A real browser on the staff app: an analytics answer carries thumbs up/down (no front-end error, which a
like listener without feedback buttons caused), a thumbs-down is recorded, "Save as example" saves it, and the
review page lists it, opens it from its row and re-runs it."""
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
WAIT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed: apt-get install -y chromium"),
]


def test_thumbs_and_save_as_example_in_the_browser(running_app):
    sync_api = pytest.importorskip("playwright.sync_api")
    url, engine = running_app
    errors = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="ko-KR").new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{url}/staff/")
            page.locator("#analytics-input textarea").wait_for(timeout=WAIT_MS)
            page.locator("#analytics-input textarea").fill("제품별 사용자 수 알려줘")
            page.locator("#analytics-input-send").click()
            page.locator("#analytics-chat").filter(has_text="완료").first.wait_for(timeout=WAIT_MS)
            page.locator("#analytics-chat button[aria-label='싫어요'], #analytics-chat button[aria-label='Dislike']").last.click()
            page.locator("#analytics-kb-note .rc-muted, #analytics-kb-note .rc-error").first.wait_for(timeout=WAIT_MS)
            assert "Recorded as a bad answer" in page.locator("#analytics-kb-note").inner_text()
            page.locator("#analytics-save-example").click()
            page.locator("#analytics-kb-note").filter(has_text="example #").wait_for(timeout=WAIT_MS)
            page.get_by_role("tab", name="Knowledge base review").click()
            page.locator("#kb-pairs").filter(has_text="제품별 사용자 수 알려줘").wait_for(timeout=WAIT_MS)
            page.locator("#kb-pair-id input").fill(str(engine.knowledge.list_pairs()[0]["id"]))
            page.locator("#kb-open").click()
            page.locator("#kb-note").filter(has_text="Opened example #").wait_for(timeout=WAIT_MS)
            page.locator("#kb-rerun").click()
            page.locator("#kb-note").filter(has_text="10 rows").wait_for(timeout=WAIT_MS)
        finally:
            browser.close()
    assert errors == []
    assert [f["verdict"] for f in engine.knowledge.list_feedback()] == ["down"]
    assert [p["question"] for p in engine.knowledge.list_pairs()] == ["제품별 사용자 수 알려줘"]
