"""People and roles.

Posts (岗位) and their members live in `organization`; roles here say what kind of work a person does.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The kinds of people in the bureau; each is a Django group of the same name."""

    INTAKE_CLERK = "intake_clerk", _("接件窗口")
    OUTPUT_CLERK = "output_clerk", _("出件窗口")
    CONSULTANT = "consultant", _("咨询人员")
    HANDLER = "handler", _("经办人")
    DIVISION_HEAD = "division_head", _("处长")
    DIRECTOR = "director", _("局长")
    OFFICE_SUPERVISOR = "office_supervisor", _("办公室督办")
    GIS_KEEPER = "gis_keeper", _("信息中心")
    ADMINISTRATOR = "administrator", _("系统管理员")


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def role_codes(self) -> set[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            valid = set(Role.values)
            cached = {name for name in self.groups.values_list("name", flat=True) if name in valid}
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        if not self.is_active:
            return False
        return bool(self.role_codes() & set(roles))

    def add_roles(self, *roles: str) -> None:
        for role in roles:
            group, _created = Group.objects.get_or_create(name=Role(role).value)
            self.groups.add(group)
        self._role_codes = None

    @property
    def roles_display(self) -> list[str]:
        return [Role(code).label for code in sorted(self.role_codes())]


class LoginThrottle(models.Model):
    """Consecutive failed sign-ins for one username; the login page and the API token share it."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"

    @staticmethod
    def key(username: str) -> str:
        return (username or "").strip().lower()[:150]

    @classmethod
    def is_locked(cls, username: str) -> bool:
        return cls.objects.filter(username=cls.key(username), locked_until__gt=timezone.now()).exists()

    @classmethod
    def register_failure(cls, username: str) -> bool:
        """Count one failure; return True when this failure locks the username."""
        now = timezone.now()
        key = cls.key(username)
        row, _created = cls.objects.get_or_create(username=key)
        # A lockout that has ended starts a fresh count.
        cls.objects.filter(pk=row.pk, locked_until__lte=now).update(failures=0, locked_until=None)
        cls.objects.filter(pk=row.pk).update(failures=F("failures") + 1, last_failure_at=now)
        row.refresh_from_db()
        if row.failures >= settings.PLANDESK_LOGIN_FAILURE_LIMIT and row.locked_until is None:
            until = now + timedelta(minutes=settings.PLANDESK_LOGIN_LOCKOUT_MINUTES)
            cls.objects.filter(pk=row.pk).update(locked_until=until)
            return True
        return False

    @classmethod
    def register_success(cls, username: str) -> None:
        cls.objects.filter(username=cls.key(username)).delete()


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def live(self):
        return self.filter(expires_at__gt=timezone.now(), revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the raw token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user_id}@{self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def issue(cls, user) -> tuple[ApiToken, str]:
        raw = secrets.token_urlsafe(32)
        hours = settings.PLANDESK_API_TOKEN_HOURS
        expires_at = timezone.now() + timedelta(hours=hours)
        token = cls.objects.create(user=user, digest=_hash_token(raw), expires_at=expires_at)
        return token, raw

    @classmethod
    def user_for(cls, raw: str):
        if not raw:
            return None
        token = cls.objects.live().select_related("user").filter(digest=_hash_token(raw)).first()
        return token.user if token else None
