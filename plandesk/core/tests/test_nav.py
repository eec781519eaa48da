"""The shell's navigation by role: a few menus for every demo person, the workbench first, no link lost."""

from html.parser import HTMLParser
from io import StringIO

import pytest
from django.urls import reverse

from plandesk.accounts import demo as accounts_demo
from plandesk.accounts.models import User
from plandesk.core.context_processors import _entries
from plandesk.core.nav import NavEntry

pytestmark = pytest.mark.django_db


class _Shell(HTMLParser):
    """The top level of the main navigation (links and menu titles) and every link in the header."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # <ul> depth inside the main navigation
        self.in_nav = self.in_header = False
        self.top: list[str] = []  # "a:<href>" or "menu:<title>"
        self.links: set[str] = set()
        self.summary: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "header":
            self.in_header = True
        if tag == "nav" and "mainnav" in (attrs.get("class") or ""):
            self.in_nav = True
        if not self.in_header:
            return
        if tag == "ul" and self.in_nav:
            self.depth += 1
        if tag == "a":
            self.links.add(attrs["href"])
            if self.in_nav and self.depth == 1:
                self.top.append("a:" + attrs["href"])
        if tag == "summary" and self.in_nav and self.depth == 1:
            self.summary = []

    def handle_endtag(self, tag):
        if tag == "header":
            self.in_header = False
        if tag == "nav":
            self.in_nav = False
        if tag == "ul" and self.in_nav:
            self.depth -= 1
        if tag == "summary" and self.summary is not None:
            self.top.append("menu:" + "".join(self.summary).split()[0])
            self.summary = None

    def handle_data(self, data):
        if self.summary is not None:
            self.summary.append(data)


def _shell(client) -> _Shell:
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    parser = _Shell()
    parser.feed(response.content.decode())
    return parser


def test_every_demo_person_meets_a_few_menus_the_workbench_first_and_loses_no_link(client, settings):
    accounts_demo.load(StringIO())
    for username, _name, _roles in accounts_demo.DEMO_ACCOUNTS:
        assert client.login(username=username, password=settings.PLANDESK_DEMO_PASSWORD), username
        user = User.objects.get(username=username)
        shell = _shell(client)
        assert 2 <= len(shell.top) <= 8, (username, shell.top)
        assert shell.top[0] == "a:" + reverse("core:home"), (username, shell.top)
        # every link the person had in the flat row before the menus is still there, in a menu or beside the name
        before = {entry.url() for entry in _entries() if entry.url() and entry.visible_to(user)}
        assert before - shell.links == set(), username
        client.logout()


def test_the_office_sees_its_work_in_named_menus(client, settings):
    accounts_demo.load(StringIO())
    client.login(username="office", password=settings.PLANDESK_DEMO_PASSWORD)
    shell = _shell(client)
    assert len([e for e in _entries() if e.url() and e.visible_to(User.objects.get(username="office"))]) > 25
    assert shell.top[1:] == ["menu:办件", "menu:督办", "menu:证照", "menu:公示与预约", "menu:统计", "menu:基础数据",
                             "a:" + reverse("organization:chart")]  # a menu of one is shown as its link


def test_a_visitor_sees_the_public_links_grouped(client):
    response = client.get("/")  # the portal's front page: the workbench needs a sign-in
    parser = _Shell()
    parser.feed(response.content.decode())
    assert len(parser.top) <= 8
    assert "menu:基础数据" in parser.top
    assert {reverse("catalog:index"), reverse("window:public_query")} <= parser.links


def test_an_entry_must_name_a_known_group():
    with pytest.raises(ValueError, match="unknown navigation group"):
        NavEntry("x", "core:home", group="nowhere")
