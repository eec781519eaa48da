"""Workbench panel: the posts the signed-in person holds today (substitutions included)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from plandesk.organization.models import Post


def my_posts(user) -> dict | None:
    posts = list(Post.objects.held_by(user).select_related("unit"))
    if not posts:
        return None
    return {
        "title": _("我的岗位"),
        "text": "、".join(str(post) for post in posts),
        "url": reverse("organization:chart"),
        "link_text": _("查看组织机构"),
    }


PANELS = [my_posts]
