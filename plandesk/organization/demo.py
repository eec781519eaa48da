"""The demo bureau (docs/CONTRACTS.md "organization"): units, posts, and people in them. Idempotent.

Runs after accounts/demo.py, whose accounts it places in their posts; it adds the people for the other posts.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Polygon

from plandesk.accounts.models import Role, User
from plandesk.organization.models import Post, PostMembership, Unit

Kind = Unit.Kind
Function = Post.Function
Authority = Post.Authority

# The demo geography in longitude/latitude (EPSG:4326): (west, south, east, north).
CENTRAL = (114.26, 30.56, 114.34, 30.64)
CENTRAL_WEST = (114.26, 30.56, 114.30, 30.64)
CENTRAL_EAST = (114.30, 30.56, 114.34, 30.64)
BRANCH_EAST = (114.34, 30.56, 114.40, 30.64)
TOWN_QIAO = (114.20, 30.56, 114.26, 30.64)

# code, name, kind, parent, jurisdiction box, head username
UNITS = [
    ("bureau", "局领导", Kind.BUREAU, None, CENTRAL, "director"),
    ("div1", "行政审批一处", Kind.DIVISION, "bureau", CENTRAL_WEST, "head1"),
    ("div2", "行政审批二处", Kind.DIVISION, "bureau", CENTRAL_EAST, "head2"),
    ("div3", "行政审批三处", Kind.DIVISION, "bureau", CENTRAL, "head3"),
    ("office", "办公室", Kind.OFFICE, "bureau", None, "office"),
    ("info", "信息中心", Kind.INFO_CENTRE, "bureau", None, "gis"),
    ("window", "窗口", Kind.OFFICE, "bureau", None, "intake"),
    ("municipal", "市政处", Kind.CO_REVIEW, "bureau", None, "municipal1"),
    ("survey", "测绘管理处", Kind.CO_REVIEW, "bureau", None, "survey1"),
    ("branch_east", "东区分局", Kind.BRANCH, "bureau", BRANCH_EAST, "branchhead"),
    ("town_qiao", "乔镇", Kind.TOWN, "bureau", TOWN_QIAO, "townhead"),
]

HANDLER_DUTIES = "受理后审查申请材料，核对用地与规划条件，提出审查意见，按时限提交处长。"
HEAD_DUTIES = "主持处务会，审核经办人意见，决定本处权限内事项，督促超时案件并报局长。"

# code, name, function, authority, time limit (working days), duties, members
POSTS = [
    ("window.intake", "接件窗口", Function.INTAKE, Authority.OPINION, 1,
     "接收申请，核对材料，立案并出具立案回执，告知预取件日期和查询密码。", ["intake"]),
    ("window.output", "出件窗口", Function.OUTPUT, Authority.OPINION, 1,
     "发放审批结果和证照，核对领取人身份并登记发证记录。", ["output"]),
    ("window.consultant", "咨询岗", Function.CONSULTANT, Authority.OPINION, None,
     "解答报建咨询，按预约主持洽谈会商并记录。", ["consultant"]),
    ("div1.handler", "审批一处经办人", Function.HANDLER, Authority.OPINION, 5, HANDLER_DUTIES, ["handler1"]),
    ("div1.head", "审批一处处长", Function.HEAD, Authority.APPROVE, 2, HEAD_DUTIES, ["head1"]),
    ("div2.handler", "审批二处经办人", Function.HANDLER, Authority.OPINION, 5, HANDLER_DUTIES, ["handler2"]),
    ("div2.head", "审批二处处长", Function.HEAD, Authority.APPROVE, 2, HEAD_DUTIES, ["head2"]),
    ("div3.handler", "审批三处经办人", Function.HANDLER, Authority.OPINION, 5, HANDLER_DUTIES, ["handler3"]),
    ("div3.head", "审批三处处长", Function.HEAD, Authority.APPROVE, 2, HEAD_DUTIES, ["head3"]),
    ("bureau.director", "局长", Function.DIRECTOR, Authority.FINAL, 3,
     "主持局务会，对报建事项作最终决定，签发证照。", ["director"]),
    ("office.supervisor", "办公室督办", Function.SUPERVISOR, Authority.OPINION, None,
     "跟踪办文时限，黄灯提醒、红灯发催办通知书，登记汇总催办情况用于考核。", ["office"]),
    ("info.gis_keeper", "信息中心数据维护", Function.GIS_KEEPER, Authority.OPINION, None,
     "建设和维护基础信息数据库：地形图、道路红线、地下管线、各级规划。", ["gis"]),
    ("municipal.co_reviewer", "市政处会审", Function.CO_REVIEWER, Authority.OPINION, 3,
     "对市政管线、道路等事项提出会审意见。", ["municipal1"]),
    ("survey.co_reviewer", "测绘管理处会审", Function.CO_REVIEWER, Authority.OPINION, 3,
     "对测绘成果、放线验线等事项提出会审意见。", ["survey1"]),
    ("branch_east.handler", "东区分局经办人", Function.HANDLER, Authority.OPINION, 5,
     "办理下放至分局的审批事项，提出审查意见。", ["branch1"]),
    ("branch_east.head", "东区分局局长", Function.HEAD, Authority.FINAL, 2,
     "决定下放至分局的审批事项。", ["branchhead"]),
    ("town_qiao.handler", "乔镇规划经办人", Function.HANDLER, Authority.OPINION, 5,
     "办理乡村建设规划许可等下放至镇的事项，提出审查意见。", ["town1"]),
    ("town_qiao.head", "乔镇规划负责人", Function.HEAD, Authority.FINAL, 2,
     "决定下放至镇的审批事项。", ["townhead"]),
]

# The people who staff the posts that the demo accounts of shared/API.md leave open.
EXTRA_PEOPLE = [
    ("handler3", "审批三处 黄磊", Role.HANDLER),
    ("head3", "审批三处处长 林峰", Role.DIVISION_HEAD),
    ("municipal1", "市政处 何伟", Role.HANDLER),
    ("survey1", "测绘管理处 罗琳", Role.HANDLER),
    ("branch1", "东区分局 高远", Role.HANDLER),
    ("branchhead", "东区分局局长 梁波", Role.DIVISION_HEAD),
    ("town1", "乔镇 宋佳", Role.HANDLER),
    ("townhead", "乔镇规划负责人 韩冰", Role.DIVISION_HEAD),
]


def box(west: float, south: float, east: float, north: float) -> MultiPolygon:
    """A longitude/latitude box as a MultiPolygon in the bureau's CRS."""
    ring = ((west, south), (east, south), (east, north), (west, north), (west, south))
    geom = MultiPolygon(Polygon(ring), srid=4326)
    geom.transform(settings.PLANDESK_SRID)
    return geom


def _person(username: str, full_name: str, role: str) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created:
        user.set_password(settings.PLANDESK_DEMO_PASSWORD)
    user.full_name = full_name
    user.save()
    user.add_roles(role)
    return user


def load(out) -> None:
    for username, full_name, role in EXTRA_PEOPLE:
        _person(username, full_name, role)
    people = {user.username: user for user in User.objects.filter(username__in=_usernames())}

    units: dict[str, Unit] = {}
    for order, (code, name, kind, parent, extent, head) in enumerate(UNITS):
        units[code], _created = Unit.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "kind": kind, "parent": units.get(parent) if parent else None,
                "jurisdiction": box(*extent) if extent else None, "head": people.get(head),
                "is_active": True, "sort_order": order * 10,
            },
        )

    for code, name, function, authority, days, duties, members in POSTS:
        post, _created = Post.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "unit": units[code.split(".", 1)[0]], "function": function, "authority": authority,
                "time_limit_days": days, "duties": duties,
            },
        )
        for username in members:
            if username in people:
                PostMembership.objects.get_or_create(post=post, user=people[username])
    out.write(f"    组织机构：{len(UNITS)} 个单位，{len(POSTS)} 个岗位，新增演示人员 {len(EXTRA_PEOPLE)} 名")


def _usernames() -> set[str]:
    names = {head for *_rest, head in UNITS}
    for *_rest, members in POSTS:
        names.update(members)
    return names
