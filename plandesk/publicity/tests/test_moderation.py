"""Staff moderate opinions (accepted, merged as duplicate, rejected with a reason), classify them, answer each class
and publish the summary; other apps read it through summary_for_case."""

from datetime import date

import pytest

from plandesk.accounts.models import Role
from plandesk.audit.models import Event
from plandesk.conftest import make_user
from plandesk.publicity import services
from plandesk.publicity.models import Opinion, OpinionGroup, OpinionStatus, PublicityError
from plandesk.publicity.services import submit_opinion, summary_for_case

pytestmark = pytest.mark.django_db


def _opinion(publicity, content, address="10.1.0.1"):
    return submit_opinion(publicity, name="市民", contact="13900000000", content=content, client_ip=address)


@pytest.fixture
def opinions(running):
    return [_opinion(running, text, f"10.1.0.{i}") for i, text in enumerate(
        ["南侧绿化太少", "南侧应多种树", "楼太高挡住阳光", "广告：低价装修"])]


def test_it_moderates_opinions_with_reasons(running, opinions, member):
    green, green_again, height, spam = opinions
    green.accept(actor=member)
    green_again.merge_into(green, actor=member)
    height.accept(actor=member)
    with pytest.raises(PublicityError, match="须说明理由"):
        spam.reject(actor=member, reason=" ")
    spam.reject(actor=member, reason="广告，与公示无关")
    stored = {o.content: o for o in Opinion.objects.all()}
    assert stored["南侧应多种树"].status == OpinionStatus.DUPLICATE
    assert stored["南侧应多种树"].duplicate_of_id == green.pk
    assert stored["广告：低价装修"].moderation_reason == "广告，与公示无关"
    assert stored["广告：低价装修"].moderated_by == member
    with pytest.raises(PublicityError, match="已审核"):
        Opinion.objects.get(pk=green.pk).reject(actor=member, reason="改主意")
    assert Event.objects.filter(action="publicity.opinion_rejected", object_id=str(spam.pk)).count() == 1


def test_it_merges_only_into_an_accepted_opinion_of_the_same_publicity(running, opinions, member):
    with pytest.raises(PublicityError, match="已确认为有效"):
        opinions[1].merge_into(opinions[0], actor=member)
    with pytest.raises(PublicityError, match="另一条意见"):
        opinions[0].merge_into(opinions[0], actor=member)


def test_it_summarizes_and_publishes_with_the_responses(running, opinions, member, case, travel):
    running.case = case
    running.save(update_fields=["case"])
    green, green_again, height, spam = opinions
    green.accept(actor=member)
    green_again.merge_into(green, actor=member)
    height.accept(actor=member)
    with pytest.raises(PublicityError, match="公示期结束后"):
        services.publish_summary(running, actor=member)
    travel(date(2026, 12, 17))
    assert services.end(running)
    with pytest.raises(PublicityError, match="未审核"):
        services.publish_summary(running, actor=member)
    spam.reject(actor=member, reason="广告")
    with pytest.raises(PublicityError, match="未归类"):
        services.publish_summary(running, actor=member)
    landscape = OpinionGroup.objects.create(publicity=running, title="绿化")
    sunlight = OpinionGroup.objects.create(publicity=running, title="日照", response="经日照分析，满足大寒日 2 小时。")
    green.classify(landscape, actor=member)
    height.classify(sunlight, actor=member)
    with pytest.raises(PublicityError, match="答复"):
        services.publish_summary(running, actor=member)
    landscape.response = "已要求南侧增加乔木。"
    landscape.save()

    [summary] = summary_for_case(case)
    assert (summary.total, summary.accepted, summary.duplicate, summary.rejected, summary.pending) == (4, 2, 1, 1, 0)
    assert [(g.title, g.count) for g in summary.groups] == [("绿化", 2), ("日照", 1)]
    assert summary.complete and not summary.published

    services.publish_summary(running, actor=member)
    assert summary_for_case(case)[0].published
    # The three people whose opinions were taken hear of the answer by SMS (their contact is a mobile number);
    # the rejected one does not.
    from plandesk.notifications.models import Notification

    # object_id is text: order by the opinion's number, not its digits ("100" sorts before "98").
    sms = sorted(Notification.objects.filter(kind="publicity.summary_published"), key=lambda n: int(n.object_id))
    assert [(n.channel, n.address, n.object_id) for n in sms] == [
        ("sms", "13900000000", str(o.pk)) for o in (green, green_again, height)]
    assert green.tracking_code in sms[0].body
    with pytest.raises(PublicityError, match="已经公布"):
        services.publish_summary(running, actor=member)


def test_it_moderates_through_the_staff_page(client, running, opinions, member):
    client.force_login(member)
    url = f"/publicity/staff/opinions/{opinions[3].pk}/moderate/"
    client.post(url, {"decision": "reject", "reason": ""})
    assert Opinion.objects.get(pk=opinions[3].pk).status == OpinionStatus.PENDING
    client.post(url, {"decision": "reject", "reason": "辱骂"})
    assert Opinion.objects.get(pk=opinions[3].pk).status == OpinionStatus.REJECTED
    client.post(f"/publicity/staff/opinions/{opinions[0].pk}/moderate/", {"decision": "accept"})
    client.post(f"/publicity/staff/opinions/{opinions[1].pk}/moderate/",
                {"decision": "merge", "duplicate_of": opinions[0].tracking_code})
    assert Opinion.objects.get(pk=opinions[1].pk).duplicate_of_id == opinions[0].pk
    client.post(f"/publicity/staff/{running.pk}/groups/", {"title": "绿化", "response": "将增加绿化。"})
    group = OpinionGroup.objects.get(publicity=running)
    client.post(f"/publicity/staff/opinions/{opinions[0].pk}/classify/", {"group": group.pk})
    assert Opinion.objects.get(pk=opinions[0].pk).group == group
    page = client.get(f"/publicity/staff/{running.pk}/")
    assert page.status_code == 200 and "南侧绿化太少" in page.content.decode()


def test_it_lets_only_heads_director_and_office_publish(client, running, member, travel):
    travel(date(2026, 12, 17))
    services.end(running)
    client.force_login(member)  # a handler
    assert client.post(f"/publicity/staff/{running.pk}/publish_summary/").status_code == 403
    head = make_user("head1", Role.DIVISION_HEAD)
    client.force_login(head)
    client.post(f"/publicity/staff/{running.pk}/publish_summary/")
    running.refresh_from_db()
    assert running.summary_published_at is not None
    assert "意见汇总及处理情况" in client.get(running.get_absolute_url()).content.decode()


def test_it_refuses_the_outsider_and_the_public(client, running, opinions, outsider):
    urls = [("get", "/publicity/staff/"), ("get", f"/publicity/staff/{running.pk}/"),
            ("post", f"/publicity/staff/opinions/{opinions[0].pk}/moderate/"),
            ("post", f"/publicity/staff/{running.pk}/groups/"), ("post", f"/publicity/staff/{running.pk}/notice/"),
            ("get", f"/publicity/staff/opinions/{opinions[0].pk}/attachment/")]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response["Location"], url
    client.force_login(outsider)
    for method, url in urls:
        assert getattr(client, method)(url, {"decision": "accept"}).status_code == 403, url
    assert Opinion.objects.get(pk=opinions[0].pk).status == OpinionStatus.PENDING


def test_it_renders_the_case_summary_for_other_apps_pages(running, opinions, member, case):
    from django.template import Context, Template

    running.case = case
    running.save(update_fields=["case"])
    opinions[0].accept(actor=member)
    OpinionGroup.objects.create(publicity=running, title="绿化", response="将增加乔木。")
    opinions[0].classify(OpinionGroup.objects.get(), actor=member)
    html = Template("{% load publicity %}{% publicity_summary case %}").render(Context({"case": case}))
    assert "公示意见汇总" in html and running.title in html and "将增加乔木。" in html
    assert "意见 4 条：有效 1" in html
    assert Template("{% load publicity %}{% publicity_summary case True %}").render(Context({"case": case})).strip() \
        == ""
