"""The bureau's units, their posts (岗位), who holds them, and who stands in for whom (代理).

Posts, not people, are what the processes name: a lane says a post code or a post function, and
`Post.objects.resolve` finds the post; the post's members (and their substitutes on a date) do the work.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

POST_CODE_VALIDATOR = RegexValidator(
    r"^[a-z0-9_]+(\.[a-z0-9_]+)*$",
    _("岗位编码只能由小写字母、数字、下划线组成，可用“.”分段，例如 div1.handler"),
)


def _today(on: date | None) -> date:
    return on if on is not None else timezone.localdate()


def _users():
    from django.contrib.auth import get_user_model

    return get_user_model().objects


def is_staff_member(user, on: date | None = None) -> bool:
    """Bureau staff: someone signed in who has a role or holds a post. Outsiders and the public are not."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.role_codes()) or Post.objects.held_by(user, on).exists()


class UnitQuerySet(models.QuerySet):
    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)

    def for_user(self, user, on: date | None = None) -> UnitQuerySet:
        """The units a user belongs to on a date: of the posts he holds (substitutions included), and those he heads."""
        if user is None or not user.is_authenticated:
            return self.none()
        posts = Post.objects.held_by(user, on)
        return self.filter(Q(posts__in=posts) | Q(head=user)).distinct()

    def tree(self) -> list[tuple[Unit, int]]:
        """These units in tree order, each with its depth; a unit whose parent is not among them starts a tree."""
        units = list(self)
        ids = {unit.pk for unit in units}
        children: dict[int | None, list[Unit]] = {}
        for unit in units:
            children.setdefault(unit.parent_id if unit.parent_id in ids else None, []).append(unit)
        ordered: list[tuple[Unit, int]] = []
        stack = [(unit, 0) for unit in reversed(children.get(None, []))]
        while stack:
            unit, depth = stack.pop()
            ordered.append((unit, depth))
            stack.extend((child, depth + 1) for child in reversed(children.get(unit.pk, [])))
        return ordered

    def bureau(self) -> Unit | None:
        """The bureau itself: the active top unit of kind `bureau`."""
        return self.active().filter(kind=Unit.Kind.BUREAU, parent__isnull=True).order_by("pk").first()


class Unit(models.Model):
    """A unit of the bureau: the leadership, a division, the office, a branch office, a town..."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("局领导")
        DIVISION = "division", _("审批处室")
        OFFICE = "office", _("办公室及窗口")
        INFO_CENTRE = "info_centre", _("信息中心")
        CO_REVIEW = "co_review", _("会审处室")
        BRANCH = "branch", _("分局")
        TOWN = "town", _("镇")

    code = models.SlugField(_("编码"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("负责人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="headed_units",
    )
    jurisdiction = models.MultiPolygonField(
        _("管辖范围"), srid=settings.PLANDESK_SRID, null=True, blank=True,
        help_text=_("分局、镇及受理审批的处室的管辖区域"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.parent_id is not None and self.pk is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("上级单位不能是本单位自己")})
        if self.pk is not None and self.parent_id is not None and any(
            unit.pk == self.pk for unit in self.parent.ancestors(include_self=True)
        ):
            raise ValidationError({"parent": _("上级单位不能是本单位的下级单位（单位不能成为自己的上级）")})
        if self.jurisdiction is not None:
            if self.jurisdiction.empty:
                raise ValidationError({"jurisdiction": _("管辖范围不能为空图形")})
            if not self.jurisdiction.valid:
                reason = self.jurisdiction.valid_reason
                raise ValidationError({"jurisdiction": _("管辖范围不是有效的多边形：%(reason)s") % {"reason": reason}})

    def ancestors(self, include_self: bool = False) -> list[Unit]:
        """This unit's parents up to the top, nearest first. Stops at a loop rather than walking forever."""
        chain: list[Unit] = [self] if include_self else []
        seen = {self.pk}
        unit = self.parent
        while unit is not None and unit.pk not in seen:
            chain.append(unit)
            seen.add(unit.pk)
            unit = unit.parent
        return chain

    def descendants(self, include_self: bool = False) -> list[Unit]:
        found: list[Unit] = [self] if include_self else []
        frontier = [self.pk]
        seen = {self.pk}
        while frontier:
            children = [u for u in Unit.objects.filter(parent_id__in=frontier) if u.pk not in seen]
            found.extend(children)
            seen.update(u.pk for u in children)
            frontier = [u.pk for u in children]
        return found

    def division_heads(self, on: date | None = None):
        """The people who head this unit: its `head` and the holders of its `head` posts (substitutes included)."""
        holders = Post.objects.holders(Post.objects.filter(unit=self, function=Post.Function.HEAD), on)
        return _users().filter(Q(pk__in=holders.values("pk")) | Q(headed_units=self)).distinct()

    def has_member(self, user, on: date | None = None) -> bool:
        return Unit.objects.for_user(user, on).filter(pk=self.pk).exists()


class PostQuerySet(models.QuerySet):
    def held_by(self, user, on: date | None = None) -> PostQuerySet:
        """The posts a user holds on a date: his own, and those he substitutes for on that date."""
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        day = _today(on)
        substituted = Substitute.objects.active_on(day).filter(substitute=user).values("post_id")
        return self.filter(Q(memberships__user=user) | Q(pk__in=substituted)).distinct()

    def resolve(self, lane: str, unit: Unit | None) -> Post | None:
        """A lane names a post code (exact) or a function: that post in `unit`, else in its nearest ancestor."""
        lane = (lane or "").strip()
        if not lane:
            return None
        exact = self.filter(code=lane).first()
        if exact is not None:
            return exact
        if unit is None:
            return None
        for candidate in unit.ancestors(include_self=True):
            post = self.filter(unit=candidate, function=lane).order_by("code").first()
            if post is not None:
                return post
        return None

    def holders(self, posts, on: date | None = None, include_absent: bool = True):
        """The users who hold any of `posts` on a date: members and their substitutes on that date.

        With include_absent=False, members away on leave with a substitute that day are left out (who works it now).
        """
        day = _today(on)
        post_ids = posts.values("pk") if isinstance(posts, models.QuerySet) else [p.pk for p in posts]
        members = PostMembership.objects.filter(post_id__in=post_ids)
        active_subs = Substitute.objects.active_on(day).filter(post_id__in=post_ids)
        if not include_absent:
            away = active_subs.filter(post_id=models.OuterRef("post_id"), absent_id=models.OuterRef("user_id"))
            members = members.exclude(models.Exists(away))
        return _users().filter(
            Q(pk__in=members.values("user_id")) | Q(pk__in=active_subs.values("substitute_id")), is_active=True
        ).distinct()

    def holders_of(self, function: str, unit: Unit | None = None, on: date | None = None):
        """The users holding a post of this function (in `unit` if given) on a date, substitutes included."""
        posts = self.filter(function=function)
        if unit is not None:
            posts = posts.filter(unit=unit)
        return self.holders(posts, on)

    def holds_function(self, user, function: str, unit: Unit | None = None, on: date | None = None) -> bool:
        """Whether the user holds a post of this function (in `unit` if given) on a date, substitutions included."""
        posts = self.held_by(user, on).filter(function=function)
        if unit is not None:
            posts = posts.filter(unit=unit)
        return posts.exists()

    def directors(self, on: date | None = None):
        """The director(s): holders of `director` posts on a date, and the head of the bureau."""
        holders = self.holders_of(Post.Function.DIRECTOR, on=on)
        bureau = Unit.objects.bureau()
        heads = Q(pk=bureau.head_id) if bureau is not None and bureau.head_id else Q(pk__in=[])
        return _users().filter(Q(pk__in=holders.values("pk")) | heads).distinct()


class Post(models.Model):
    """A post (岗位): its duties, authority and time limit are fixed in the system; members hold it."""

    class Function(models.TextChoices):
        INTAKE = "intake", _("接件")
        OUTPUT = "output", _("出件")
        CONSULTANT = "consultant", _("咨询")
        HANDLER = "handler", _("经办")
        HEAD = "head", _("处长")
        DIRECTOR = "director", _("局长")
        SUPERVISOR = "supervisor", _("督办")
        GIS_KEEPER = "gis_keeper", _("信息维护")
        CO_REVIEWER = "co_reviewer", _("会审")
        ADMINISTRATOR = "administrator", _("系统管理")

    class Authority(models.TextChoices):
        OPINION = "opinion", pgettext_lazy("post authority", "提出意见")
        APPROVE = "approve", _("审核批准")
        FINAL = "final", _("最终决定")

    code = models.CharField(_("岗位编码"), max_length=60, unique=True, validators=[POST_CODE_VALIDATOR])
    name = models.CharField(_("岗位名称"), max_length=100)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="posts",
        error_messages={"null": _("岗位必须属于一个单位"), "blank": _("岗位必须属于一个单位")},
    )
    function = models.CharField(_("岗位职能"), max_length=30, choices=Function.choices)
    duties = models.TextField(_("岗位职责"), blank=True)
    authority = models.CharField(_("审批权限"), max_length=20, choices=Authority.choices, default=Authority.OPINION)
    standard = models.TextField(_("业务标准"), blank=True)
    time_limit_days = models.PositiveSmallIntegerField(
        _("办理时限（工作日）"), null=True, blank=True, help_text=_("本岗位办理一个环节的时限；空表示按流程设定")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("在岗人员"), through="PostMembership", related_name="posts", blank=True
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["unit__sort_order", "unit__code", "code"]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.name}" if self.unit_id else self.name

    def holders(self, on: date | None = None, include_absent: bool = True):
        return Post.objects.holders([self], on, include_absent=include_absent)


class PostMembership(models.Model):
    post = models.ForeignKey(Post, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="post_memberships"
    )
    since = models.DateField(_("到岗日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("在岗人员")
        verbose_name_plural = _("在岗人员")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"], name="org_membership_unique", violation_error_message=_("此人已在该岗位")
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.post.code}"


class SubstituteQuerySet(models.QuerySet):
    def active_on(self, on: date | None = None) -> SubstituteQuerySet:
        day = _today(on)
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class Substitute(models.Model):
    """Leave cover (代理): `substitute` holds `post` for `absent` from `starts_on` to `ends_on`, both inclusive."""

    post = models.ForeignKey(Post, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="substitutes")
    absent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("请假人"), on_delete=models.CASCADE, related_name="absences"
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("代理人"), on_delete=models.CASCADE, related_name="substitutions"
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    reason = models.CharField(_("事由"), max_length=200, blank=True)

    objects = SubstituteQuerySet.as_manager()

    class Meta:
        verbose_name = _("代理")
        verbose_name_plural = _("代理")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="org_substitute_range",
                violation_error_message=_("结束日期不能早于开始日期"),
            ),
            models.CheckConstraint(
                condition=~Q(absent=F("substitute")), name="org_substitute_not_self",
                violation_error_message=_("代理人不能是请假人本人"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.substitute} 代 {self.absent}（{self.post.code}，{self.starts_on}～{self.ends_on}）"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("结束日期不能早于开始日期")
        if self.absent_id and self.substitute_id and self.absent_id == self.substitute_id:
            errors["substitute"] = _("代理人不能是请假人本人")
        if self.post_id and self.absent_id and not PostMembership.objects.filter(
            post_id=self.post_id, user_id=self.absent_id
        ).exists():
            errors["absent"] = _("请假人不在该岗位，无需代理")
        if errors:
            raise ValidationError(errors)

    def is_active_on(self, on: date | None = None) -> bool:
        day = _today(on)
        return self.starts_on <= day <= self.ends_on
