"""A visitor on a phone: search, open a result, reach the case query."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_it_lets_a_phone_user_search_open_a_result_and_reach_the_case_query(live_server, phone, library):
    phone.goto(live_server.url + "/")
    box = phone.get_by_label("搜索办事指南、法规、手册和公告")
    box.fill("许可")
    box.press("Enter")
    phone.wait_for_url("**/search/?q=*")
    results = phone.locator("ol.results > li.result")
    assert results.count() == 2
    first = results.first.get_by_role("link")
    assert first.inner_text() == "中华人民共和国行政许可法"
    assert results.first.locator("mark").first.inner_text() == "许可"
    # Nothing is wider than the phone: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    first.click()
    phone.wait_for_url("**/handbook/regulations/administrative-licensing-law/")
    assert phone.get_by_role("heading", level=1).inner_text() == "中华人民共和国行政许可法"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.goto(live_server.url + "/")
    phone.get_by_label("案件编号").fill("2026000001")
    phone.get_by_label("查询密码").fill("12345678")
    phone.get_by_role("button", name="查询进度").click()
    phone.wait_for_load_state()
    assert "查询" in phone.get_by_role("heading", level=1).inner_text()


def test_it_lets_a_phone_user_find_a_guide_and_go_on_to_the_case_query(live_server, phone, library):
    from plandesk.catalog.definitions import ITEMS
    from plandesk.catalog.demo import install

    item = install(ITEMS[0])  # 建设用地规划许可证核发, with the catalogue's own guide page and search provider
    phone.goto(live_server.url + "/search/?q=" + "建设用地规划许可")
    first = phone.locator("ol.results > li.result").first
    assert first.locator(".kind").inner_text() == "办事指南"
    first.get_by_role("link").click()
    phone.wait_for_url(f"**/guide/{item.code}/")
    assert phone.get_by_role("heading", level=1).inner_text() == item.current.name

    phone.get_by_role("link", name="市城乡规划局").click()
    phone.get_by_label("案件编号").fill("2026000001")
    phone.get_by_label("查询密码").fill("12345678")
    phone.get_by_role("button", name="查询进度").click()
    phone.wait_for_load_state()
    assert "查询" in phone.get_by_role("heading", level=1).inner_text()


def test_it_can_be_used_with_the_keyboard_alone(live_server, phone, library):
    phone.goto(live_server.url + "/")
    phone.keyboard.press("Tab")
    skip = phone.locator(":focus")
    assert skip.inner_text() == "跳到正文"
    phone.keyboard.press("Enter")
    phone.get_by_label("搜索办事指南、法规、手册和公告").focus()
    phone.keyboard.type("结构")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/search/?q=*")
    assert phone.locator("ol.results > li.result").count() == 1


def test_it_updates_the_results_while_typing_when_javascript_is_on(live_server, phone, library):
    phone.goto(live_server.url + "/search/")
    phone.get_by_label("搜索办事指南、法规、手册和公告").press_sequentially("结构", delay=50)
    phone.wait_for_selector("ol.results > li.result")
    assert phone.locator("ol.results > li.result").count() == 1
    assert "q=" in phone.url  # the address follows, so the page can be bookmarked or shared
