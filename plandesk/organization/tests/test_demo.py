import io

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point

from plandesk.accounts import demo as accounts_demo
from plandesk.accounts.models import User
from plandesk.organization import demo
from plandesk.organization.models import Post, PostMembership, Unit

pytestmark = pytest.mark.django_db


def load_demo() -> None:
    accounts_demo.load(io.StringIO())
    demo.load(io.StringIO())


def snapshot() -> tuple:
    units = sorted(Unit.objects.values_list("code", "parent__code", "head__username", "kind"), key=str)
    posts = sorted(Post.objects.values_list("code", "unit__code", "function", "authority"))
    members = sorted(PostMembership.objects.values_list("post__code", "user__username"))
    return units, posts, members, User.objects.count()


def point(lon: float, lat: float) -> Point:
    return Point(lon, lat, srid=4326).transform(settings.PLANDESK_SRID, clone=True)


def test_it_loads_the_same_bureau_twice():
    load_demo()
    first = snapshot()
    load_demo()
    assert snapshot() == first
    assert len(first[0]) == 11 and len(first[1]) == 18


def test_it_places_the_demo_accounts_in_their_posts():
    load_demo()
    expected = {
        "intake": "window.intake", "output": "window.output", "consultant": "window.consultant",
        "handler1": "div1.handler", "head1": "div1.head", "handler2": "div2.handler", "head2": "div2.head",
        "director": "bureau.director", "office": "office.supervisor", "gis": "info.gis_keeper",
    }
    for username, code in expected.items():
        user = User.objects.get(username=username)
        assert list(Post.objects.held_by(user).values_list("code", flat=True)) == [code], username
    assert not Post.objects.held_by(User.objects.get(username="admin")).exists()


def test_every_post_and_unit_is_staffed_by_people_who_can_sign_in():
    load_demo()
    for post in Post.objects.all():
        assert post.members.exists(), post.code
    for unit in Unit.objects.all():
        assert unit.head is not None, unit.code
    extra = User.objects.get(username="head3")
    assert extra.check_password(settings.PLANDESK_DEMO_PASSWORD)
    assert extra.has_role("division_head")
    assert set(Unit.objects.get(code="div3").division_heads()) == {extra}
    assert set(Post.objects.directors()) == {User.objects.get(username="director")}


def test_it_draws_the_jurisdictions_of_the_demo_geography():
    load_demo()
    units = {unit.code: unit for unit in Unit.objects.exclude(jurisdiction=None)}
    assert all(unit.jurisdiction.srid == settings.PLANDESK_SRID for unit in units.values())
    centre_west, centre_east = point(114.29, 30.60), point(114.31, 30.60)
    assert units["bureau"].jurisdiction.contains(centre_west) and units["bureau"].jurisdiction.contains(centre_east)
    assert units["div1"].jurisdiction.contains(centre_west) and not units["div1"].jurisdiction.contains(centre_east)
    assert units["div2"].jurisdiction.contains(centre_east) and not units["div2"].jurisdiction.contains(centre_west)
    assert units["branch_east"].jurisdiction.contains(point(114.37, 30.60))
    assert units["town_qiao"].jurisdiction.contains(point(114.23, 30.60))
    # The square of shared/API.md lies inside the central jurisdiction.
    square = point(114.28, 30.58).union(point(114.32, 30.62)).envelope
    assert units["bureau"].jurisdiction.contains(square)


def test_the_demo_lanes_resolve_for_every_handling_office():
    load_demo()
    for code in ("div1", "div2", "div3", "branch_east", "town_qiao"):
        unit = Unit.objects.get(code=code)
        assert Post.objects.resolve("handler", unit).unit == unit
        assert Post.objects.resolve("head", unit).unit == unit
        assert Post.objects.resolve("director", unit).code == "bureau.director"
    window = Unit.objects.get(code="window")
    assert Post.objects.resolve("intake", window).code == "window.intake"
