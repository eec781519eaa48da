"""Demo news and notices for `plandesk demo` (idempotent, matched by title)."""

from __future__ import annotations

from datetime import date

from plandesk.portal.models import Notice, NoticeKind

NOTICES = [
    (NoticeKind.NOTICE, "关于工程建设项目审批“一窗受理”的通知", date(2026, 3, 2), True, (
        "自 2026 年 3 月 2 日起，建设用地规划许可、建设工程规划许可等规划审批事项统一在市行政服务中心三楼"
        "规划报建窗口受理。申请人凭立案回执上的案件编号和查询密码，可在本网站或拨打案件查询电话查询办理进度。"
    )),
    (NoticeKind.NOTICE, "2026 年国庆节、中秋节假期窗口服务安排", date(2026, 9, 25), False, (
        "10 月 1 日至 8 日放假调休，共 8 天。9 月 20 日（星期日）、10 月 10 日（星期六）上班，窗口正常受理。"
        "假期内提交的网上预约顺延至节后办理，承诺时限按工作日计算，节假日不计入。"
    )),
    (NoticeKind.NOTICE, "预约洽谈服务须知", date(2026, 4, 15), False, (
        "规划咨询洽谈、会商实行预约制。可在本网站“预约洽谈”栏目或拨打预约电话选择时段，"
        "按预约时间到办事大厅洽谈区，出示预约接待卡。如需取消，请至少提前半天办理。"
    )),
    (NoticeKind.NEWS, "我局召开工程建设项目审批制度改革推进会", date(2026, 5, 20), False, (
        "会议通报了并联审批、容缺受理和告知承诺制的推行情况。今年以来，规划许可平均办理时间由 18 个工作日"
        "缩短至 11 个工作日，超期案件全部按时发出催办通知书并办结。"
    )),
    (NoticeKind.NEWS, "控制性详细规划成果接入“规划一张图”", date(2026, 8, 10), False, (
        "信息中心已将中心城区控制性详细规划的地块用地性质、容积率、建筑密度、建筑限高和绿地率等指标"
        "录入基础信息数据库，公众可在本网站查询公开的规划信息。"
    )),
]


def load(out) -> None:
    for kind, title, published_on, pinned, body in NOTICES:
        Notice.objects.update_or_create(
            title=title, defaults={"kind": kind, "published_on": published_on, "pinned": pinned, "body": body})
    out.write(f"    新闻公告 {Notice.objects.count()} 条")
