"""A small bureau for the organization tests: the bureau, Division 1 under it, and a town with its own posts."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from plandesk.accounts.models import Role, User
from plandesk.conftest import make_user
from plandesk.organization.models import Post, PostMembership, Unit


@dataclass
class Bureau:
    bureau: Unit
    div1: Unit
    town: Unit
    director: User
    head: User
    handler: User
    director_post: Post
    head_post: Post
    handler_post: Post


@pytest.fixture
def bureau(db, member) -> Bureau:
    director = make_user("boss", Role.DIRECTOR, full_name="局长")
    head = make_user("chief1", Role.DIVISION_HEAD, full_name="一处处长")
    top = Unit.objects.create(code="bureau", name="局领导", kind=Unit.Kind.BUREAU, head=director)
    div1 = Unit.objects.create(code="div1", name="行政审批一处", kind=Unit.Kind.DIVISION, parent=top)
    town = Unit.objects.create(code="town_qiao", name="乔镇", kind=Unit.Kind.TOWN, parent=top)
    director_post = Post.objects.create(code="bureau.director", name="局长", unit=top, function="director",
                                        authority="final")
    head_post = Post.objects.create(code="div1.head", name="处长", unit=div1, function="head", authority="approve")
    handler_post = Post.objects.create(code="div1.handler", name="经办人", unit=div1, function="handler")
    PostMembership.objects.create(post=director_post, user=director)
    PostMembership.objects.create(post=head_post, user=head)
    PostMembership.objects.create(post=handler_post, user=member)
    return Bureau(top, div1, town, director, head, member, director_post, head_post, handler_post)
