from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone

from plandesk.organization.models import Post, PostMembership, Substitute, Unit, is_staff_member


@login_required
def chart(request):
    """The organization: units in tree order with their posts, members and current or coming substitutes."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    substitutes = Substitute.objects.filter(ends_on__gte=today).select_related("absent", "substitute")
    posts = Post.objects.order_by("code").prefetch_related(
        Prefetch("memberships", queryset=PostMembership.objects.select_related("user").order_by("user__username")),
        Prefetch("substitutes", queryset=substitutes.order_by("starts_on")),
    )
    units = Unit.objects.select_related("head", "parent").prefetch_related(Prefetch("posts", queryset=posts))
    rows = []
    for unit, depth in units.tree():
        unit_posts = []
        for post in unit.posts.all():
            away = {sub.absent_id: sub for sub in post.substitutes.all() if sub.is_active_on(today)}
            members = [{"user": m.user, "cover": away.get(m.user_id)} for m in post.memberships.all()]
            unit_posts.append({"post": post, "members": members, "substitutes": list(post.substitutes.all())})
        rows.append({"unit": unit, "depth": depth, "posts": unit_posts})
    context = {
        "rows": rows,
        "today": today,
        "my_posts": Post.objects.held_by(request.user, today).select_related("unit"),
    }
    return render(request, "organization/chart.html", context)
