"""The portal's booking pages, the appointment card and its PDF, and the staff schedule."""

from datetime import datetime

import pytest
from django.test import Client

from plandesk.accounts.models import Role
from plandesk.appointments.models import Appointment, Slot
from plandesk.appointments.tests.conftest import SH, booking
from plandesk.conftest import PASSWORD, make_user
from plandesk.core.pdf import extract_text

pytestmark = pytest.mark.django_db
FORM = {"name": "李四", "organization": "某某建设集团", "phone": "13800138000", "topic": "用地规划条件咨询",
        "case_number": ""}


def first_slot():
    from datetime import date

    from plandesk.appointments.services import slots_on

    return slots_on(date(2026, 9, 30)).first()


def signed_in(user) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def test_it_lists_free_slots_for_a_day_without_login(client, hall, frozen):
    response = client.get("/appointments/", {"date": "2026-09-30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "09:00–09:30" in html and "咨询人员 赵磊" in html
    holiday = client.get("/appointments/", {"date": "2026-10-02"}).content.decode()
    assert "不是工作日" in holiday


def test_it_books_on_the_portal_and_shows_the_card_and_pdf(client, hall, frozen):
    slot = first_slot()
    response = client.post(f"/appointments/book/{slot.pk}/", FORM)
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert response["Location"] == f"/appointments/card/{appointment.card_number}/"
    html = client.get(response["Location"]).content.decode()
    assert appointment.card_number in html and "用地规划条件咨询" in html and "138****8000" in html
    pdf = client.get(f"/appointments/card/{appointment.card_number}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = extract_text(pdf.content)
    for expected in ("预约接待卡", appointment.card_number, "大厅洽谈区 1 号桌", "咨询人员 赵磊", "李四",
                     "用地规划条件咨询", "2026年09月30日", "09:00"):
        assert expected in text, expected
    assert "13800138000" not in text


def test_it_embeds_the_cjk_font_in_the_card(client, hall, frozen, tmp_path):
    import subprocess

    client.post(f"/appointments/book/{first_slot().pk}/", FORM)
    card = Appointment.objects.get().card_number
    path = tmp_path / "card.pdf"
    path.write_bytes(client.get(f"/appointments/card/{card}/pdf/").content)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    cjk = [row for row in rows if "PlandeskCJK" in row or "WenQuanYi" in row]
    assert cjk, rows
    assert all(" yes " in row for row in cjk), cjk  # the "emb" column


def test_it_keeps_the_card_from_strangers(client, hall, frozen):
    client.post(f"/appointments/book/{first_slot().pk}/", FORM)
    card = Appointment.objects.get().card_number
    stranger = Client()
    assert stranger.get(f"/appointments/card/{card}/").status_code == 404
    assert stranger.get(f"/appointments/card/{card}/pdf/").status_code == 404
    assert stranger.post(f"/appointments/card/{card}/cancel/").status_code == 404
    wrong = stranger.post("/appointments/find/", {"card_number": card, "phone": "13900139000"})
    assert wrong.status_code == 404
    assert "不正确" in wrong.content.decode()
    right = stranger.post("/appointments/find/", {"card_number": card, "phone": "13800138000"})
    assert right.status_code == 302
    assert stranger.get(f"/appointments/card/{card}/").status_code == 200


def test_it_shows_booking_errors_on_the_form(client, hall, frozen):
    slot = first_slot()
    response = client.post(f"/appointments/book/{slot.pk}/", {**FORM, "phone": "123"})
    assert response.status_code == 422
    assert "手机号码应为 11 位" in response.content.decode()
    client.post(f"/appointments/book/{slot.pk}/", FORM)
    taken = client.post(f"/appointments/book/{slot.pk}/", {**FORM, "phone": "13900139000"})
    assert taken.status_code == 409
    assert "已被预约" in taken.content.decode()
    assert Appointment.objects.count() == 1


def test_it_cancels_and_moves_from_the_card(client, hall, frozen):
    slot = first_slot()
    client.post(f"/appointments/book/{slot.pk}/", FORM)
    card = Appointment.objects.get().card_number
    other = Slot.objects.exclude(pk=slot.pk).order_by("starts_at").first()
    response = client.post(f"/appointments/card/{card}/move/", {"slot_id": other.pk})
    assert response.status_code == 302
    assert Appointment.objects.get().slot == other
    assert client.post(f"/appointments/card/{card}/cancel/").status_code == 302
    assert Appointment.objects.get().status == "cancelled"


def test_it_shows_the_consultant_his_day_and_lets_him_receive(hall, consultant, frozen, api):
    slot = first_slot()
    card = api.post("/api/v1/appointments", booking(slot.pk)).json()["card_number"]
    client = signed_in(consultant)
    html = client.get("/appointments/schedule/", {"date": "2026-09-30"}).content.decode()
    assert card in html and "13800138000" in html
    frozen.move_to(datetime(2026, 9, 30, 8, 55, tzinfo=SH))
    client = signed_in(consultant)  # the idle session ended meanwhile
    assert client.post(f"/appointments/schedule/{card}/check-in/").status_code == 302
    assert Appointment.objects.get().status == "checked_in"
    response = client.post(f"/appointments/schedule/{card}/complete/",
                           {"outcome": "已解答", "case_number": "2026001"})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.status, appointment.outcome, appointment.case_number) == ("completed", "已解答", "2026001")


def test_it_lets_the_window_book_by_phone_on_a_callers_behalf(hall, frozen):
    clerk = make_user("intake9", Role.INTAKE_CLERK)
    client = signed_in(clerk)
    response = client.post(f"/appointments/book/{first_slot().pk}/", {**FORM, "channel": "phone"})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.channel, appointment.booked_by) == ("phone", clerk)


def test_it_keeps_the_schedule_from_others(hall, member, outsider, consultant, frozen, api):
    card = api.post("/api/v1/appointments", booking(first_slot().pk)).json()["card_number"]
    for user in (member, outsider):
        client = signed_in(user)
        assert client.get("/appointments/schedule/").status_code == 403
        assert client.post(f"/appointments/schedule/{card}/check-in/").status_code == 403
    assert Client().get("/appointments/schedule/").status_code == 302
    another = make_user("consultant2", Role.CONSULTANT)
    assert signed_in(another).post(f"/appointments/schedule/{card}/check-in/").status_code == 403
    assert Appointment.objects.get().status == "booked"
