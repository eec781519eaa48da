import pytest
from django.urls import reverse

from plandesk.audit.models import Event
from plandesk.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_login_page_is_chinese(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "工作人员登录" in response.content.decode()


def test_it_signs_in_and_shows_the_workbench(client, member):
    response = client.post(reverse("accounts:login"), {"username": "member1", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert "工作台" in response.content.decode()
    assert Event.objects.filter(action="auth.signed_in", actor=member).exists()


def test_it_refuses_a_wrong_password_and_audits_it(client, member):
    response = client.post(reverse("accounts:login"), {"username": "member1", "password": "nope"})
    assert response.status_code == 401
    assert "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(action="auth.failed", object_id="member1").exists()


def test_it_locks_the_login_page_after_five_failures(client, member):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "member1", "password": "nope"})
    response = client.post(reverse("accounts:login"), {"username": "member1", "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_does_not_redirect_off_site_after_login(client, member):
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/", {"username": "member1", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_the_workbench_needs_a_signed_in_user(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_logout_needs_post_and_ends_the_session(client, member):
    client.force_login(member)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302


def test_sessions_end_when_idle(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_the_admin_is_for_administrators_only(client, member, administrator):
    client.force_login(member)
    assert client.get("/admin/").status_code == 302
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200
