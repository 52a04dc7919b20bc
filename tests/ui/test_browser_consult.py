"""A real browser (Debian's Chromium through Playwright) through one customer conversation: product cards, the
comparison, a "cheaper" refinement that lowers the fee, and a consultation request (a bad phone refused beside
its field, then sent) that then shows on the staff page, masked until opened, the opening audited.

`UPDATE_SCREENSHOTS=1` also writes the README's screenshots into docs/.
"""
from __future__ import annotations

import pytest

from db.catalog import PRODUCTS_BY_CODE
from engine.consult import ConsultDesk
from test_browser import CHROMIUM, WAIT_MS, _send, _shoot, _wait_for_text, page  # noqa: F401  (the page fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed: apt-get install -y chromium"),
]


BY_NAME = {product.name_ko: code for code, product in PRODUCTS_BY_CODE.items()}


def _codes_of_last_cards(page) -> list[str]:
    """The products of the latest cards, by their pictures' alt text (the sanitiser keeps no data- attribute)."""
    block = page.locator("#recommend-chat .rc-cards").last
    return [BY_NAME[img.get_attribute("alt")] for img in block.locator(".rc-card img").all()]


def _wait_for_cards(page, count: int) -> None:
    page.wait_for_function(f"document.querySelectorAll('#recommend-chat .rc-cards').length >= {count}", timeout=WAIT_MS)


def test_cards_comparison_cheaper_and_a_consultation_that_staff_see(running_app, page, tmp_path):  # noqa: F811
    url, engine = running_app
    page.goto(url)
    page.locator("#recommend-input textarea").wait_for(timeout=WAIT_MS)

    _send(page, "recommend", "35살, 4인 가족, 30평 아파트, 월 5만원 정도로 정수기 찾아요")
    _wait_for_cards(page, 1)
    page.locator("#recommend-chat .rc-card img").first.wait_for(state="visible", timeout=WAIT_MS)
    first = _codes_of_last_cards(page)
    assert first, "the reply shows product cards"
    page.wait_for_timeout(400)
    _shoot(page, tmp_path, "screenshot-cards")

    page.locator("#recommend-compare").click()
    page.locator("#recommend-chat table.rc-compare").last.wait_for(state="visible", timeout=WAIT_MS)
    _shoot(page, tmp_path, "screenshot-compare")

    shown = page.locator("#recommend-chat .rc-cards").count()
    page.locator("#recommend-chat button").filter(has_text="더 저렴하게").last.click()
    _wait_for_cards(page, shown + 1)
    cheaper = _codes_of_last_cards(page)
    before = PRODUCTS_BY_CODE[first[0]].monthly_fee
    assert cheaper and PRODUCTS_BY_CODE[cheaper[0]].monthly_fee < before
    assert all(PRODUCTS_BY_CODE[code].monthly_fee <= before for code in cheaper)  # never a higher fee
    _shoot(page, tmp_path, "screenshot-cheaper")

    desk = ConsultDesk(engine)
    page.locator("#consult-open").click()
    page.locator("#consult-name input, #consult-name textarea").first.fill("김민지")
    page.locator("#consult-phone input, #consult-phone textarea").first.fill("12345")
    page.locator("#consult-consent input[type=checkbox]").check()
    page.locator("#consult-send").click()
    _wait_for_text(page, "#consult-phone-error", "전화번호")
    assert desk.list() == []  # a refused form stores nothing
    page.locator("#consult-phone input, #consult-phone textarea").first.fill("+82 10-1234-5678")
    page.locator("#consult-time input, #consult-time textarea").first.fill("평일 저녁 7시 이후")
    page.locator("#consult-send").click()
    _wait_for_text(page, "#consult-result", "접수 번호")
    assert not page.locator("#consult-phone-error").is_visible()
    _shoot(page, tmp_path, "screenshot-consult")
    [lead] = desk.list()
    assert lead["products"] == cheaper and lead["facts"]["group"]

    page.goto(f"{url}/staff/")
    page.get_by_role("tab", name="상담 요청 / Consultations").click()
    _wait_for_text(page, "#leads-table", "010-****-5678")
    assert "010-1234-5678" not in page.locator("#leads-table").inner_text()
    page.locator("#leads-id input").fill(str(lead["id"]))
    page.locator("#leads-open").click()
    _wait_for_text(page, "#leads-details", "010-1234-5678")
    assert engine.state.recent_audit(1)[0]["question"] == f"lead {lead['id']}"
    page.wait_for_timeout(300)
    _shoot(page, tmp_path, "screenshot-staff-leads")
