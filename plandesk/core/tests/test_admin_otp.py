"""The admin needs the administrator role and a TOTP second factor (django-otp)."""


import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.PLANDESK_ADMIN_OTP = True


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def test_it_sends_an_unverified_administrator_to_enrol_a_device(client, administrator):
    client.force_login(administrator)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/workbench/second-factor/?next=/admin/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "密钥" in page.content.decode() and "data:image/png;base64," in page.content.decode()
    assert TOTPDevice.objects.filter(user=administrator, confirmed=False).count() == 1


def test_it_lets_the_administrator_in_after_a_correct_code(client, administrator):
    client.force_login(administrator)
    client.get("/workbench/second-factor/")
    device = TOTPDevice.objects.get(user=administrator)
    response = client.post("/workbench/second-factor/", {"token": _code(device), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_it_refuses_a_wrong_code_with_a_chinese_message(client, administrator):
    client.force_login(administrator)
    client.get("/workbench/second-factor/")
    device = TOTPDevice.objects.get(user=administrator)
    wrong = f"{(int(_code(device)) + 1) % 1000000:06d}"
    response = client.post("/workbench/second-factor/", {"token": wrong})
    assert response.status_code == 400
    assert "动态口令不正确" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed


def test_it_asks_a_code_again_in_a_new_session_once_enrolled(client, administrator):
    device = TOTPDevice.objects.create(user=administrator, name="admin", confirmed=True)
    client.force_login(administrator)
    page = client.get("/workbench/second-factor/")
    assert "密钥" not in page.content.decode()  # the secret is shown only while enrolling
    assert client.get("/admin/").status_code == 302
    client.post("/workbench/second-factor/", {"token": _code(device)})
    assert client.get("/admin/").status_code == 200


def test_it_keeps_the_admin_closed_to_staff_without_the_administrator_role(client, member, outsider):
    for user in (member, outsider):
        client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
        assert client.get("/workbench/second-factor/").status_code == 403
    client.logout()
    assert client.get("/workbench/second-factor/").status_code == 302
