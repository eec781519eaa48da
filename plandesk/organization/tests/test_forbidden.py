"""The 403 page: a person following a link he may not use meets a Chinese page saying who may, and a way back."""

import pytest
from django.urls import reverse

from plandesk.accounts.models import Role
from plandesk.conftest import make_user

pytestmark = pytest.mark.django_db

CALLS = "/phone/calls/"


def test_a_handler_following_the_office_link_sees_who_may_and_a_way_back(client, member):
    client.force_login(member)
    came_from = "http://testserver" + reverse("workflow:todo")
    response = client.get(CALLS, HTTP_REFERER=came_from)
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权使用此页面" in page
    assert "办公室督办人员才能查看来电记录" in page  # the view's own reason
    assert "办公室督办、督办岗位" in page  # from phone/access.py: the role and the post
    assert f'href="{came_from}"' in page and "返回上一页" in page
    assert f'href="{reverse("core:home")}"' in page and "回到工作台" in page
    assert "主导航" in page  # the shell around it: the person is not stranded


def test_a_bare_refusal_still_names_the_roles_and_a_foreign_referer_is_not_followed(client):
    handler = make_user("h9", Role.HANDLER)
    client.force_login(handler)
    response = client.get(reverse("certificates:register"), HTTP_REFERER="https://evil.example/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "出件窗口" in page and "局长" in page
    assert "evil.example" not in page
    assert "返回上一页" not in page and f'<a href="{reverse("core:home")}">回到工作台</a>' in page


def test_the_refusal_in_english(client, member):
    client.force_login(member)
    client.post("/i18n/setlang/", {"language": "en", "next": "/workbench/"})
    response = client.get(CALLS)
    assert response.status_code == 403
    page = response.content.decode()
    assert "You may not use this page" in page and "Office supervisor" in page and "To the workbench" in page
