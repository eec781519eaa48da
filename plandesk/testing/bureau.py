"""Two bureaus for tests: the demo bureau (its people, units, posts, the 11 items and the shipped processes; with
the demo city's layers where a test needs them), and a small bureau built in a few statements for the workflow's
own tests (`SmallBureau`: units, posts and their people, one item of each shipped process)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Polygon

from plandesk.accounts import demo as accounts_demo
from plandesk.accounts.models import Role, User
from plandesk.cases.models import Case
from plandesk.catalog import demo as catalog_demo
from plandesk.catalog.models import Category, Item, ItemVersion, ParallelGroup
from plandesk.conftest import make_user
from plandesk.gis import demo as gis_demo
from plandesk.organization import demo as organization_demo
from plandesk.organization.models import Post, Unit
from plandesk.workflow import services as workflow


def demo_bureau(*, with_layers: bool = False) -> dict[str, User]:
    """Load the demo accounts, organization and catalogue (and the demo city's layers), and the shipped processes;
    the users by name."""
    out = io.StringIO()
    accounts_demo.load(out)
    organization_demo.load(out)
    catalog_demo.load(out)
    if with_layers:
        gis_demo.load(out)
    workflow.ensure_default_processes()
    return {u.username: u for u in User.objects.all()}


SCHEMA = {"type": "object", "properties": {"project_name": {"type": "string", "title": "项目名称"}}}
# (unit code, name, kind, parent)
UNITS = [
    ("bureau", "局领导", "bureau", None),
    ("div1", "行政审批一处", "division", "bureau"),
    ("div2", "行政审批二处", "division", "bureau"),
    ("div3", "行政审批三处", "division", "bureau"),
    ("office", "办公室", "office", "bureau"),
    ("window", "窗口", "office", "bureau"),
    ("municipal", "市政处", "co_review", "bureau"),
    ("survey", "测绘管理处", "co_review", "bureau"),
    ("branch_east", "东区分局", "branch", "bureau"),
]
# (post code, function, members, roles)
POSTS = [
    ("div1.handler", "handler", ["handler1", "handler1b"], [Role.HANDLER]),
    ("div1.head", "head", ["head1"], [Role.DIVISION_HEAD]),
    ("div2.handler", "handler", ["handler2"], [Role.HANDLER]),
    ("div2.head", "head", ["head2"], [Role.DIVISION_HEAD]),
    ("div3.handler", "handler", ["handler3"], [Role.HANDLER]),
    ("div3.head", "head", ["head3"], [Role.DIVISION_HEAD]),
    ("bureau.director", "director", ["director"], [Role.DIRECTOR]),
    ("office.supervisor", "supervisor", ["office"], [Role.OFFICE_SUPERVISOR]),
    ("window.output", "output", ["output"], [Role.OUTPUT_CLERK]),
    ("municipal.co_reviewer", "co_reviewer", ["municipal1"], [Role.HANDLER]),
    ("survey.co_reviewer", "co_reviewer", ["survey1"], [Role.HANDLER]),
    ("branch_east.handler", "handler", ["branch1"], [Role.HANDLER]),
    ("branch_east.head", "head", ["branchhead"], [Role.DIVISION_HEAD]),
]
ITEMS = [
    # code, name, process, parallel group
    ("permit", "建设工程规划许可证", "plandesk_two_meetings", None),
    ("site_selection", "建设项目选址意见书", "plandesk_parallel_approval", "site_design"),
    ("design_scheme_review", "建设工程设计方案审查", "plandesk_parallel_approval", "site_design"),
    ("pipes", "市政管线工程规划审批", "plandesk_co_review", None),
    ("rural", "乡村建设规划许可", "plandesk_delegated", None),
]


def site() -> MultiPolygon:
    ring = ((114.28, 30.59), (114.285, 30.59), (114.285, 30.595), (114.28, 30.595), (114.28, 30.59))
    geom = MultiPolygon(Polygon(ring), srid=4326)
    geom.transform(settings.PLANDESK_SRID)
    return geom


@dataclass
class SmallBureau:
    units: dict[str, Unit] = field(default_factory=dict)
    posts: dict[str, Post] = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)

    def __getitem__(self, username: str):
        return self.people[username]

    def new_case(self, *item_codes: str, office: str = "div1", start: bool = True) -> Case:
        versions = [self.items[code].current for code in item_codes or ("permit",)]
        case = Case.register(item_versions=versions, handling_office=self.units[office], applicant_name="某建设公司",
                             project_name="滨江花园", project_address="江滨路 1 号", site=site(),
                             forms={v.item.code: {"project_name": "滨江花园"} for v in versions},
                             actor=self.people.get("intake"), password="12345678")  # noqa: S106 (a test case)
        if start:
            workflow.start_case(case)
        return case


def small_bureau() -> SmallBureau:
    b = SmallBureau()
    for code, name, kind, parent in UNITS:
        b.units[code] = Unit.objects.create(code=code, name=name, kind=kind, parent=b.units.get(parent))
    for code, function, members, roles in POSTS:
        unit = b.units[code.split(".")[0]]
        post = Post.objects.create(code=code, name=f"{unit.name}{Post.Function(function).label}", unit=unit,
                                   function=function)
        b.posts[code] = post
        for username in members:
            user = b.people.get(username) or make_user(username, *roles, full_name=username)
            b.people[username] = user
            post.members.add(user)
    b.people["intake"] = make_user("intake", Role.INTAKE_CLERK)
    b.people["stranger"] = make_user("stranger", Role.HANDLER)
    groups = {}
    for code, name, process_id, group in ITEMS:
        item = Item.objects.create(code=code)
        pg = None
        if group:
            pg = groups.get(group) or ParallelGroup.objects.create(code=group, name="选址与设计方案并联审批")
            groups[group] = pg
        ItemVersion(item=item, name=name, category=Category.LICENCE, legal_basis="《城乡规划法》", statutory_days=20,
                    promised_days=15, form_schema=SCHEMA, process_id=process_id, parallel_group=pg,
                    handling_level="town" if code == "rural" else "bureau").publish()
        item.refresh_from_db()
        b.items[code] = item
    return b
