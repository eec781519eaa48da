"""A visitor reads the guide in a real browser, with JavaScript off: everything is plain pages and links."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_finds_an_item_its_materials_and_its_blank_form(live_server, browser, catalogue):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.locator("nav summary", has_text="基础数据").click()  # the menu opens without script (<details>)
        page.get_by_role("link", name="报建须知").first.click()
        page.get_by_role("link", name="乡村建设规划许可证核发").click()
        assert page.get_by_role("heading", name="乡村建设规划许可证核发").is_visible()
        assert page.get_by_role("cell", name="村民委员会或农村集体经济组织意见").is_visible()
        link = page.get_by_role("link", name="下载空白申请表（PDF，可打印）")
        response = page.request.get(live_server.url + link.get_attribute("href"))
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
    finally:
        context.close()
