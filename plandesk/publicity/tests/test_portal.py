"""The public's pages: list, map, detail with documents, the opinion form with its challenge, the receipt."""

import json
from datetime import date

import pytest

from plandesk.publicity.challenge import new_challenge
from plandesk.publicity.models import Opinion, OpinionStatus
from plandesk.publicity.services import add_document
from plandesk.publicity.tests.conftest import make_publicity, real_pdf, real_png, scheduled, upload
from plandesk.testing.publicity import answer, question_on

pytestmark = pytest.mark.django_db


def _form(client, publicity) -> dict:
    """What a person fills in: reads the question on the page, answers it (the token goes back as it came)."""
    response = client.get(publicity.get_absolute_url())
    token = response.context["form"]["token"].value()
    return {"name": "李四", "contact": "lisi@example.com", "content": "建议保留河边的老樟树。", "token": token,
            "answer": answer(question_on(response)), "website": ""}


def test_it_lists_current_coming_and_past_publicity(client, running):
    coming = scheduled(title="下月公示：东湖片区控规", starts_on=date(2027, 1, 6), ends_on=date(2027, 2, 4),
                       subject="regulatory_plan")
    draft = make_publicity(title="内部草稿")
    page = client.get("/publicity/").content.decode()
    assert running.title in page and coming.title in page and draft.title not in page
    assert client.get(f"/publicity/{draft.pk}/").status_code == 404


def test_it_shows_the_site_as_geojson_for_the_map(client, running):
    page = client.get("/publicity/map/")
    data = json.loads(page.context["geojson"])
    [feature] = data["features"]
    assert feature["geometry"]["type"] == "MultiPolygon"
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    assert abs(lon - 114.29) < 1e-6 and abs(lat - 30.60) < 1e-6
    assert 'data-geojson="{&quot;type&quot;' in page.content.decode()
    assert "vendor/leaflet/leaflet.js" in page.content.decode()
    assert json.loads(page.context["context"]) == []  # no public base layer loaded in this test database


def test_it_serves_the_documents_with_their_real_type(client, running):
    pdf = add_document(running, title="总平面图", upload=upload("plan.pdf", real_pdf()))
    png = add_document(running, title="效果图", upload=upload("view.png", real_png()))
    detail = client.get(running.get_absolute_url()).content.decode()
    assert "总平面图" in detail and "效果图" in detail
    response = client.get(pdf.get_absolute_url())
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(png.get_absolute_url())["Content-Type"] == "image/png"


def test_it_hides_a_drafts_documents_from_the_public(client, draft, member):
    doc = add_document(draft, title="内部图纸", upload=upload("plan.pdf", real_pdf()))
    assert client.get(doc.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(doc.get_absolute_url()).status_code == 200


def test_it_takes_an_opinion_with_an_attachment_and_gives_a_receipt(client, running):
    data = _form(client, running)
    data["attachment"] = upload("photo.png", real_png(), "image/png")
    response = client.post(f"/publicity/{running.pk}/opinion/", data)
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert response["Location"] == f"/publicity/opinions/{opinion.tracking_code}/"
    assert opinion.attachment_type == "image/png" and opinion.status == OpinionStatus.PENDING
    receipt = client.get(response["Location"]).content.decode()
    assert opinion.tracking_code in receipt and "待审核" in receipt
    assert "lisi@example.com" not in receipt  # the receipt shows no personal data


@pytest.mark.parametrize(("change", "message"), [
    ({"answer": "99"}, "验证题答案不正确"),
    ({"answer": "abc"}, "阿拉伯数字"),
    ({"token": "forged"}, "验证题无效"),
    ({"website": "http://spam.example"}, "提交未通过校验"),
    ({"content": ""}, "这个字段是必填项"),
])
def test_it_refuses_a_form_that_fails_a_check(client, running, change, message):
    data = {**_form(client, running), **change}
    response = client.post(f"/publicity/{running.pk}/opinion/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Opinion.objects.exists()
    # The entries stay and a new question is asked.
    assert response.context["form"]["token"].value() != data["token"]
    assert response.context["form"]["name"].value() == data["name"]


def test_it_takes_one_opinion_per_solved_question(client, running):
    data = _form(client, running)
    assert client.post(f"/publicity/{running.pk}/opinion/", data).status_code == 302
    again = client.post(f"/publicity/{running.pk}/opinion/", data)
    assert again.status_code == 400 and "该验证题已使用" in again.content.decode()
    assert Opinion.objects.count() == 1


def test_it_refuses_a_lying_attachment(client, running):
    data = {**_form(client, running), "attachment": upload("photo.jpg", real_pdf())}
    response = client.post(f"/publicity/{running.pk}/opinion/", data)
    assert response.status_code == 400 and "内容与扩展名不符" in response.content.decode()
    assert not Opinion.objects.exists()


def test_it_throttles_the_form_by_address(client_from, running, settings):
    settings.PLANDESK_PUBLICITY_OPINIONS_PER_HOUR = 2
    client = client_from("10.2.0.1")
    codes = [client.post(f"/publicity/{running.pk}/opinion/", _form(client, running)).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert Opinion.objects.count() == 2


def test_it_refuses_an_opinion_after_the_period(client, running, travel):
    data = _form(client, running)
    travel(date(2026, 12, 17))
    fresh = new_challenge()  # a question asked just before midnight, answered after it
    data.update(token=fresh.token, answer=answer(fresh.question))
    response = client.post(f"/publicity/{running.pk}/opinion/", data)
    assert response.status_code == 409 and "不在公示期内" in response.content.decode()


def test_it_finds_an_opinion_by_its_tracking_code(client, running):
    client.post(f"/publicity/{running.pk}/opinion/", _form(client, running))
    code = Opinion.objects.get().tracking_code
    assert client.get("/publicity/track/", {"code": code})["Location"] == f"/publicity/opinions/{code}/"
    assert client.get("/publicity/track/", {"code": "GS000000000000"}).status_code == 404


def test_it_offers_publicity_to_the_portal_search(running, draft):
    from plandesk.publicity.search import search

    hits = search("滨江花园", None)
    assert [h.title for h in hits] == [running.title]
    assert hits[0].kind == "publicity" and "<mark>" in hits[0].snippet


def test_it_asks_a_question_that_needs_no_script():
    challenge = new_challenge()
    assert "加" in challenge.question and challenge.token


def test_it_speaks_english_when_asked(client, running):
    page = client.get(running.get_absolute_url(), headers={"Accept-Language": "en"}).content.decode()
    assert "Send an opinion" in page and "Publicity before approval" in page
