"""People and roles.

Posts (岗位) and their members live in `organization`; roles here say what kind of work a person does.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models, transaction
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
    """Consecutive failed sign-ins for one username; the login page and the API token share it.

    An attempt is counted *before* its password is checked (`claim`), under a row lock, so attempts that arrive
    together cannot all pass a check made before any of them failed: however 30 wrong passwords arrive, 5 are
    checked and the rest refused. A right password clears the row (`register_success`).
    """

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    # Attempts refused during the current lockout: only the first is written to the audit log.
    refused = models.PositiveIntegerField(default=0)

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
    def claim(cls, username: str) -> Claim:
        """Count this attempt as a failure until its password proves right; refused while the username is locked."""
        now = timezone.now()
        limit = settings.PLANDESK_LOGIN_FAILURE_LIMIT
        with transaction.atomic():
            # SQLite: the IMMEDIATE transaction already serialises writers; PostgreSQL: the row lock does.
            row, _created = cls.objects.select_for_update().get_or_create(username=cls.key(username))
            if row.locked_until is not None and row.locked_until <= now:
                row.failures, row.locked_until, row.refused = 0, None, 0  # a lockout that has ended: a fresh count
            if row.failures >= limit:
                # Locked, or the last allowed attempts are still being checked: the 6th is refused either way.
                row.refused += 1
                row.save(update_fields=["failures", "locked_until", "refused"])
                return Claim(allowed=False, first_refusal=row.refused == 1)
            row.failures += 1
            row.last_failure_at = now
            locks = row.failures >= limit
            if locks:
                row.locked_until = now + timedelta(minutes=settings.PLANDESK_LOGIN_LOCKOUT_MINUTES)
            row.save(update_fields=["failures", "locked_until", "last_failure_at", "refused"])
        return Claim(allowed=True, locks=locks)

    @classmethod
    def register_success(cls, username: str) -> None:
        cls.objects.filter(username=cls.key(username)).delete()

    @classmethod
    def prune(cls, now=None) -> int:
        """Forget counts nobody is locked by any more (rows stay bounded: see SignInAddress)."""
        now = now or timezone.now()
        stale = now - timedelta(minutes=settings.PLANDESK_LOGIN_LOCKOUT_MINUTES)
        deleted, _ = cls.objects.filter(
            models.Q(locked_until__lte=now) | models.Q(locked_until__isnull=True, last_failure_at__lt=stale)
            | models.Q(locked_until__isnull=True, last_failure_at__isnull=True)
        ).delete()
        return deleted


@dataclass(frozen=True)
class Claim:
    allowed: bool
    locks: bool = False  # this attempt, if its password is wrong, is the one that locks the username
    first_refusal: bool = False  # the first attempt refused in this lockout (audited; later ones are not)


def address_key(address: str | None) -> str:
    """The address a sign-in limit counts: an IPv4 address, or the /64 network of an IPv6 one (one subscriber)."""
    if not address:
        return ""
    try:
        parsed = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return address[:64]
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


class SignInAddress(models.Model):
    """Failed sign-ins from one client address in the current window, over every username (password spraying).

    At most PLANDESK_LOGIN_ADDRESS_FAILURES an PLANDESK_LOGIN_ADDRESS_WINDOW_MINUTES; counted before the password
    is checked, like LoginThrottle, and given back when it proves right. Because an address over its limit is refused
    before a username row or an audit event is written, one address adds at most that many LoginThrottle rows and
    audit events (plus one event when it is first refused) per window; `prune` (the worker) removes ended windows.
    """

    address = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(default=timezone.now)
    refused = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("登录失败地址")
        verbose_name_plural = _("登录失败地址")

    def __str__(self) -> str:
        return f"{self.address}: {self.failures}"

    @staticmethod
    def window() -> timedelta:
        return timedelta(minutes=settings.PLANDESK_LOGIN_ADDRESS_WINDOW_MINUTES)

    @classmethod
    def claim(cls, address: str) -> Claim:
        if not address:
            return Claim(allowed=True)
        now = timezone.now()
        with transaction.atomic():
            row, _created = cls.objects.select_for_update().get_or_create(address=address,
                                                                          defaults={"window_started_at": now})
            if row.window_started_at <= now - cls.window():
                row.failures, row.refused, row.window_started_at = 0, 0, now
            if row.failures >= settings.PLANDESK_LOGIN_ADDRESS_FAILURES:
                row.refused += 1
                row.save(update_fields=["failures", "refused", "window_started_at"])
                return Claim(allowed=False, first_refusal=row.refused == 1)
            row.failures += 1
            row.save(update_fields=["failures", "refused", "window_started_at"])
        return Claim(allowed=True)

    @classmethod
    def give_back(cls, address: str) -> None:
        """A right password was no failure."""
        if address:
            cls.objects.filter(address=address, failures__gt=0).update(failures=F("failures") - 1)

    @classmethod
    def prune(cls, now=None) -> int:
        now = now or timezone.now()
        deleted, _ = cls.objects.filter(window_started_at__lte=now - cls.window()).delete()
        return deleted


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
