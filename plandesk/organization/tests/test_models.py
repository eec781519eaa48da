from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from plandesk.organization.models import Post, PostMembership, Substitute, Unit, is_staff_member

pytestmark = pytest.mark.django_db

LEAVE_START, LEAVE_END = date(2026, 3, 2), date(2026, 3, 6)


@pytest.fixture
def leave(bureau, other_member):
    """member2 stands in for the Division 1 handler during one week of March."""
    return Substitute.objects.create(post=bureau.handler_post, absent=bureau.handler, substitute=other_member,
                                     starts_on=LEAVE_START, ends_on=LEAVE_END, reason="年休假")


def test_it_lists_the_posts_a_member_holds(bureau):
    assert list(Post.objects.held_by(bureau.handler)) == [bureau.handler_post]


def test_it_gives_the_substitute_the_post_inside_the_leave_only(leave, bureau, other_member):
    assert list(Post.objects.held_by(other_member, on=LEAVE_START)) == [bureau.handler_post]
    assert list(Post.objects.held_by(other_member, on=LEAVE_END)) == [bureau.handler_post]
    assert not Post.objects.held_by(other_member, on=date(2026, 3, 1)).exists()
    assert not Post.objects.held_by(other_member, on=date(2026, 3, 7)).exists()


def test_it_uses_today_when_no_date_is_given(leave, bureau, other_member):
    with time_machine.travel("2026-03-03 10:00 +0800", tick=False):
        assert Post.objects.held_by(other_member).exists()
    with time_machine.travel("2026-03-09 10:00 +0800", tick=False):
        assert not Post.objects.held_by(other_member).exists()


def test_it_keeps_the_absent_member_in_his_post(leave, bureau):
    assert list(Post.objects.held_by(bureau.handler, on=LEAVE_START)) == [bureau.handler_post]


def test_it_names_who_works_a_post_during_a_leave(leave, bureau, other_member):
    during = LEAVE_START
    assert set(bureau.handler_post.holders(during)) == {bureau.handler, other_member}
    assert set(bureau.handler_post.holders(during, include_absent=False)) == {other_member}
    assert set(bureau.handler_post.holders(date(2026, 4, 1), include_absent=False)) == {bureau.handler}


def test_it_gives_no_posts_to_an_outsider_or_an_inactive_user(bureau, outsider):
    assert not Post.objects.held_by(outsider).exists()
    bureau.handler.is_active = False
    bureau.handler.save()
    assert not Post.objects.held_by(bureau.handler).exists()


def test_it_resolves_a_lane_by_exact_code(bureau):
    assert Post.objects.resolve("div1.head", bureau.town) == bureau.head_post


def test_it_resolves_a_function_in_the_unit(bureau):
    assert Post.objects.resolve("handler", bureau.div1) == bureau.handler_post


def test_it_resolves_a_function_through_the_nearest_ancestor(bureau):
    assert Post.objects.resolve("director", bureau.div1) == bureau.director_post


def test_it_prefers_the_unit_own_post_to_the_ancestor(bureau):
    own = Post.objects.create(code="town_qiao.director", name="镇长", unit=bureau.town, function="director")
    assert Post.objects.resolve("director", bureau.town) == own
    assert Post.objects.resolve("director", bureau.div1) == bureau.director_post


def test_it_resolves_nothing_for_an_unknown_lane(bureau):
    assert Post.objects.resolve("head", bureau.town) is None
    assert Post.objects.resolve("nobody", bureau.div1) is None
    assert Post.objects.resolve("", bureau.div1) is None
    assert Post.objects.resolve("handler", None) is None


def test_it_lists_the_units_a_user_belongs_to(leave, bureau, other_member):
    assert list(Unit.objects.for_user(bureau.handler)) == [bureau.div1]
    assert list(Unit.objects.for_user(other_member, on=LEAVE_START)) == [bureau.div1]
    assert not Unit.objects.for_user(other_member, on=date(2026, 5, 1)).exists()
    assert bureau.div1.has_member(bureau.head)
    # The bureau's head heads it even without a post there.
    bureau.director_post.memberships.all().delete()
    assert list(Unit.objects.for_user(bureau.director)) == [bureau.bureau]


def test_it_names_the_division_heads_from_head_field_and_head_posts(bureau, other_member):
    assert set(bureau.div1.division_heads()) == {bureau.head}
    bureau.div1.head = bureau.director
    bureau.div1.save()
    assert set(bureau.div1.division_heads()) == {bureau.head, bureau.director}
    Substitute.objects.create(post=bureau.head_post, absent=bureau.head, substitute=other_member,
                              starts_on=LEAVE_START, ends_on=LEAVE_END)
    assert other_member in set(bureau.div1.division_heads(on=LEAVE_START))
    assert other_member not in set(bureau.div1.division_heads(on=date(2026, 4, 1)))
    assert not bureau.town.division_heads().exists()


def test_it_says_whether_a_user_holds_a_function_in_a_unit(leave, bureau, other_member):
    assert Post.objects.holds_function(bureau.handler, "handler", bureau.div1)
    assert not Post.objects.holds_function(bureau.handler, "handler", bureau.town)
    assert not Post.objects.holds_function(bureau.handler, "head", bureau.div1)
    assert Post.objects.holds_function(other_member, "handler", bureau.div1, on=LEAVE_START)
    assert not Post.objects.holds_function(other_member, "handler", bureau.div1, on=date(2026, 3, 9))
    assert Post.objects.holds_function(bureau.head, "head")


def test_it_names_the_directors(bureau, other_member):
    assert set(Post.objects.directors()) == {bureau.director}
    Substitute.objects.create(post=bureau.director_post, absent=bureau.director, substitute=bureau.head,
                              starts_on=LEAVE_START, ends_on=LEAVE_END)
    assert set(Post.objects.directors(on=LEAVE_START)) == {bureau.director, bureau.head}
    bureau.bureau.head = other_member
    bureau.bureau.save()
    assert other_member in set(Post.objects.directors())


def test_it_refuses_a_unit_that_is_its_own_ancestor(bureau):
    bureau.bureau.parent = bureau.div1
    with pytest.raises(ValidationError) as caught:
        bureau.bureau.full_clean()
    assert "parent" in caught.value.message_dict
    bureau.div1.parent = bureau.div1
    with pytest.raises(ValidationError):
        bureau.div1.full_clean()


def test_it_refuses_a_substitute_range_that_ends_before_it_starts(bureau, other_member):
    sub = Substitute(post=bureau.handler_post, absent=bureau.handler, substitute=other_member,
                     starts_on=LEAVE_END, ends_on=LEAVE_START)
    with pytest.raises(ValidationError) as caught:
        sub.full_clean()
    assert caught.value.message_dict == {"ends_on": ["结束日期不能早于开始日期"]}


def test_it_refuses_a_substitute_for_someone_not_in_the_post(bureau, other_member):
    sub = Substitute(post=bureau.head_post, absent=bureau.handler, substitute=bureau.handler,
                     starts_on=LEAVE_START, ends_on=LEAVE_END)
    with pytest.raises(ValidationError) as caught:
        sub.full_clean()
    assert set(caught.value.message_dict) == {"absent", "substitute"}


def test_it_orders_units_as_a_tree(bureau):
    Unit.objects.create(code="div1_team", name="一处一科", kind=Unit.Kind.DIVISION, parent=bureau.div1)
    rows = [(unit.code, depth) for unit, depth in Unit.objects.order_by("code").tree()]
    assert rows == [("bureau", 0), ("div1", 1), ("div1_team", 2), ("town_qiao", 1)]


def test_it_counts_staff_by_role_or_post(bureau, outsider):
    assert is_staff_member(bureau.handler)
    assert not is_staff_member(outsider)
    PostMembership.objects.create(post=bureau.handler_post, user=outsider)
    assert is_staff_member(outsider)
