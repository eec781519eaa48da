"""Demo publicity, dated from today: a project scheme on show now (pre-approval, at its site), a district plan at the
city-centre square with opinions being worked on, a past post-approval one with its published summary, and a coming
one for demo case 3 (its clock will stop when the worker starts it). Idempotent: each is found by its title."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from plandesk.accounts.models import User
from plandesk.cases.models import Case
from plandesk.core import pdf
from plandesk.publicity import services
from plandesk.publicity.models import Kind, OpinionGroup, OpinionStatus, Publicity, Status, Subject
from plandesk.publicity.services import submit_opinion
from plandesk.workflow.processes import refresh_shipped


def _site(west: float, south: float, width: float = 0.003, height: float = 0.002) -> MultiPolygon:
    from django.conf import settings

    ring = ((west, south), (west + width, south), (west + width, south + height), (west, south + height),
            (west, south))
    geom = MultiPolygon(Polygon(ring), srid=4326)
    geom.transform(settings.PLANDESK_SRID)
    return geom


def _scheme_pdf(project: str) -> SimpleUploadedFile:
    data = pdf.render([pdf.para(f"{project}：总平面图及设计说明（演示）", "title"),
                       pdf.para("用地面积 4.2 公顷，总建筑面积 5.6 万平方米，建筑限高 24 米，绿地率 35%。")],
                      title=f"{project} 设计方案")
    return SimpleUploadedFile("scheme.pdf", data, content_type="application/pdf")


def _user(username: str):
    return User.objects.filter(username=username).first()


def _publicity(title: str, *, starts_in: int, days: int, **fields) -> tuple[Publicity, bool]:
    existing = Publicity.objects.filter(title=title).first()
    if existing is not None:
        return existing, False
    today = timezone.localdate()
    starts_on = today + timedelta(days=starts_in)
    publicity = Publicity(title=title, starts_on=starts_on, ends_on=starts_on + timedelta(days=days - 1), **fields)
    publicity.full_clean()
    publicity.save()
    notice_on = starts_on - timedelta(days=6)
    publicity.record_notice(outlet="城市日报、市电视台新闻频道", notice_on=notice_on,
                            text=f"{title}将于 {starts_on:%Y年%m月%d日} 起公示，欢迎市民提出意见。")
    publicity.schedule(today=notice_on)
    if starts_on <= today:
        services.start(publicity, today=today)
    return publicity, True


OPINIONS = [
    ("王先生", "13871000001", "建议在小区南侧多种乔木，增加绿化遮阴。"),
    ("刘女士", "13871000002", "南侧绿化偏少，希望增加树木。"),
    ("陈先生", "chen@example.com", "楼高 100 米会不会挡住北侧老小区的阳光？请公布日照分析。"),
    ("匿名", "000", "低价装修，请联系 138xxxx"),
]


def _opinions(publicity: Publicity, first_address: int) -> list:
    return [submit_opinion(publicity, name=name, contact=contact, content=content,
                           client_ip=f"192.0.2.{first_address + i}")
            for i, (name, contact, content) in enumerate(OPINIONS)]


def load(out) -> None:
    # A database loaded before the shipped processes had the publicity stage gets them as new versions (its running
    # cases keep theirs: docs/workflow.md).
    refresh_shipped()
    head = _user("head1")
    handler = _user("handler1")
    today = timezone.localdate()

    scheme, created = _publicity(
        "滨江花园住宅项目建设工程设计方案批前公示", starts_in=-3, days=10, subject=Subject.PROJECT_SCHEME,
        subject_name="滨江花园住宅项目", kind=Kind.PRE_APPROVAL, site=_site(114.285, 30.600),
        description="项目位于江滨路与汉江路交汇处西北角，用地面积 3.1 公顷，总建筑面积 9.6 万平方米，容积率 2.5，"
                    "建筑限高 100 米，绿地率 35%。公示期内可在项目现场和本网站查看总平面图和效果图。")
    if created:
        _opinions(scheme, 10)

    plan, created = _publicity(
        "东湖片区分区规划（2026—2035年）草案批前公示", starts_in=-5, days=31, subject=Subject.DISTRICT_PLAN,
        subject_name="东湖片区分区规划（2026—2035年）", kind=Kind.PRE_APPROVAL,
        site=_site(114.300, 30.605, 0.02, 0.015),
        description="规划范围 28 平方公里，确定片区功能定位、用地布局、道路网和公共服务设施配置。"
                    "规划草案在市中心广场展出，并在本网站公示。")
    if created:
        green, green_again, height, spam = _opinions(plan, 20)
        green.accept(actor=handler)
        green_again.merge_into(green, actor=handler)
        height.accept(actor=handler)
        spam.reject(actor=handler, reason="广告，与规划无关")
        group = OpinionGroup.objects.create(publicity=plan, title="绿化与公共空间")
        green.classify(group, actor=handler)

    past, created = _publicity(
        "汉江路商业广场建设工程规划许可批后公布", starts_in=-20, days=7, subject=Subject.PROJECT_SCHEME,
        subject_name="汉江路商业广场", kind=Kind.POST_APPROVAL, site=_site(114.315, 30.590))
    if created and past.status == Status.RUNNING:
        # Given as on the period's third day: the demo bureau's history, not a way round the period.
        opinion = submit_opinion(past, name="赵先生", contact="13871000009", content="施工期间请控制夜间噪声。",
                                 client_ip="192.0.2.40", today=past.starts_on + timedelta(days=2))
        opinion.accept(actor=handler)
        group = OpinionGroup.objects.create(publicity=past, title="施工管理",
                                            response="已转告建设单位：夜间 22 时至次日 6 时不得进行产生噪声的施工。")
        opinion.classify(group, actor=handler)
        services.end(past, today=today)
        services.publish_summary(past, actor=head)


    case = Case.objects.filter(idempotency_key="demo-case-3").first()
    if case is not None:
        school, created = _publicity("市第三中学新校区建设工程设计方案批前公示", starts_in=6, days=10,
                                     subject=Subject.PROJECT_SCHEME, subject_name=case.project_name,
                                     kind=Kind.PRE_APPROVAL, case=case, site=case.site)
        if created:
            # Prepared in full (venues, period, notice, a document): the handlers' 安排批前公示 step can end.
            services.add_document(school, title="总平面图及设计说明", upload=_scheme_pdf(case.project_name))
    pending = sum(p.opinions.filter(status=OpinionStatus.PENDING).count() for p in (scheme, plan))
    out.write(f"    publicity: {Publicity.objects.count()} (running {Publicity.objects.current().count()}), "
              f"opinions waiting for moderation {pending}")
