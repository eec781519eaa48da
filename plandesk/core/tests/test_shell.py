import pytest
from django.core.management import call_command
from django.urls import reverse

from plandesk.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_shell_shows_navigation_by_role(client, member, administrator):
    client.force_login(member)
    body = client.get(reverse("core:home")).content.decode()
    assert "工作台" in body
    assert "系统管理" not in body
    client.force_login(administrator)
    assert "系统管理" in client.get(reverse("core:home")).content.decode()


def test_the_shell_switches_to_english(client, member):
    client.force_login(member)
    client.post("/i18n/setlang/", {"language": "en", "next": "/workbench/"})
    response = client.get(reverse("core:home"))
    assert response.headers["Content-Language"] == "en"
    assert "Workbench" in response.content.decode()


def test_demo_is_idempotent(settings):
    call_command("demo")
    call_command("demo")
    assert User.objects.filter(username="handler1").count() == 1
    assert User.objects.get(username="director").check_password(settings.PLANDESK_DEMO_PASSWORD)


def test_demo_is_refused_in_production(settings):
    from django.core.management.base import CommandError

    settings.PLANDESK_ENV = "production"
    with pytest.raises(CommandError):
        call_command("demo")


def test_the_worker_runs_one_round(capsys):
    call_command("worker", "--once")
    assert "stopped" in capsys.readouterr().out
