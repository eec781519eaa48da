import pytest

from plandesk.accounts.models import Role
from plandesk.conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_logs_in_and_sees_the_workbench(live_server, page, member):
    page.goto(live_server.url + "/workbench/")
    page.get_by_label("用户名").fill("member1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/")
    assert page.get_by_role("heading", name="工作台").is_visible()
    assert "一处经办人" in page.content()


def test_the_office_opens_a_menu_with_the_keyboard(live_server, page):
    make_user("office9", Role.OFFICE_SUPERVISOR, full_name="办公室督办")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + "/workbench/")
    page.get_by_label("用户名").fill("office9")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/")
    nav = page.get_by_role("navigation", name="主导航")
    assert not nav.get_by_role("link", name="督办台").is_visible()  # closed menus hide their links
    nav.locator("summary", has_text="督办").focus()
    page.keyboard.press("Enter")
    page.screenshot(path="/tmp/plandesk-nav-office.png")
    nav.get_by_role("link", name="督办台").click()
    page.wait_for_url("**/supervision/**")
