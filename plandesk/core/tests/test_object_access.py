"""Object-level access on the demo data: changing an id in the address does not open someone else's things."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from plandesk.accounts.models import ApiToken, User


@pytest.fixture
def demo(db):
    call_command("demo", stdout=io.StringIO())


def _client(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def test_it_keeps_a_division_1_handler_out_of_division_2_cases(demo):
    from plandesk.cases.models import Case

    handler1, handler2 = _client("handler1"), _client("handler2")
    token1 = ApiToken.issue(User.objects.get(username="handler1"))[1]
    theirs = [case.number for case in Case.objects.order_by("number")
              if handler2.get(f"/work/cases/{case.number}/").status_code == 200]
    assert theirs, "the demo has a case for Division 2"
    for number in theirs:
        assert handler1.get(f"/work/cases/{number}/").status_code == 404
        assert handler1.get(f"/work/cases/{number}/process.bpmn").status_code == 404
        api = Client().get(f"/api/v1/cases/{number}", headers={"Authorization": f"Bearer {token1}"})
        assert api.status_code in (403, 404)
        assert number not in api.content.decode()


def test_it_keeps_a_restricted_layer_from_those_not_granted_it(demo):
    from plandesk.gis.models import Access, Layer

    restricted = Layer.objects.filter(access=Access.RESTRICTED).first()
    assert restricted is not None
    for username in (None, "handler1", "intake"):
        user = User.objects.filter(username=username).first()
        if Layer.objects.visible_to(user).filter(pk=restricted.pk).exists():
            continue
        client = _client(username)
        assert client.get(f"/gis/layers/{restricted.code}/features.geojson").status_code in (403, 404), username
        assert client.get(f"/ogcapi/collections/{restricted.code}/items").status_code in (403, 404), username
        assert client.get(f"/ogcapi/collections/{restricted.code}").status_code in (403, 404), username
    # the GIS keeper sees every layer (a 400 asks him for a bounding box; not a refusal)
    assert _client("gis").get(f"/gis/layers/{restricted.code}/features.geojson").status_code not in (403, 404)


def test_it_keeps_an_applicants_booking_from_another_applicant(demo):
    from plandesk.appointments.models import Slot

    slot = Slot.objects.with_state().filter(is_booked=False, is_blocked=False).order_by("-starts_at")[3]
    booked = Client().post("/api/v1/appointments", {
        "slot_id": slot.pk, "name": "张三", "phone": "13800138000", "topic": "建设工程规划许可证办理咨询",
        "case_number": None}, content_type="application/json")
    assert booked.status_code == 201, booked.content
    card = booked.json()["card_number"]
    for client in (Client(), _client("handler1")):
        assert client.get(f"/appointments/card/{card}/").status_code == 404
        assert client.get(f"/appointments/card/{card}/pdf/").status_code == 404
    other = Client().post(f"/api/v1/appointments/{card}/cancel", {"phone": "13900139000"},
                          content_type="application/json")
    assert other.status_code == 404
    assert "张三" not in other.content.decode()
    assert _client("consultant").get(f"/appointments/card/{card}/").status_code == 200
