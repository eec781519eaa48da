"""The approval item catalogue (行政审批事项): items, their versions, materials and delegation rules.

An item's rules change over time (materials, time limits, its form). Every change makes a new `ItemVersion`;
the old one stays untouched, so a case filed under it keeps the rules it was filed under.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plandesk.audit.services import record
from plandesk.catalog.schemas import schema_errors
from plandesk.core.registry import app_modules


class Category(models.TextChoices):
    LICENCE = "licence", _("行政许可")
    NON_LICENCE = "non_licence", _("非行政许可审批")


class HandlingLevel(models.TextChoices):
    BUREAU = "bureau", _("局本级")
    BRANCH = "branch", _("分局")
    TOWN = "town", _("乡镇")


class Requirement(models.TextChoices):
    REQUIRED = "required", _("必须提交")
    DEFERRABLE = "deferrable", _("可容缺受理")
    COMMITMENT = "commitment", _("可告知承诺")
    CONDITIONAL = "conditional", _("视情形提交")


class ParallelGroup(models.Model):
    """Items approved together in one case (并联审批), e.g. site selection with the design scheme review."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("并联审批组")
        verbose_name_plural = _("并联审批组")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ItemQuerySet(models.QuerySet):
    def published(self) -> ItemQuerySet:
        """Items shown in the guide and the API: active, with a current version."""
        return (
            self.filter(is_active=True, current__isnull=False)
            .select_related("current", "current__parallel_group")
            .order_by("order", "code")
        )


class Item(models.Model):
    """One approval item. Its `code` never changes; what it requires lives in its versions."""

    code = models.SlugField(_("事项编码"), max_length=40, unique=True, help_text=_("稳定的事项编码，创建后不得更改"))
    current = models.ForeignKey(
        "catalog.ItemVersion",
        verbose_name=_("现行版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("在办"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("审批事项")
        verbose_name_plural = _("审批事项")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.current.name if self.current_id else self.code}（{self.code}）"

    @property
    def name(self) -> str:
        return self.current.name if self.current_id else self.code

    def next_number(self) -> int:
        last = self.versions.order_by("-number").values_list("number", flat=True).first()
        return (last or 0) + 1


# What a revision does not inherit from the version it revises.
_NOT_COPIED = {"id", "number", "is_current", "created_at", "created_by", "change_note"}


class ItemVersion(models.Model):
    """The rules of an item from one moment on. Never edited once saved: a change is a new version."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"), editable=False)
    is_current = models.BooleanField(_("现行"), default=False, editable=False)
    name = models.CharField(_("事项名称"), max_length=100)
    category = models.CharField(_("事项类别"), max_length=20, choices=Category.choices)
    summary = models.TextField(_("事项说明"), blank=True, help_text=_("适用范围与办理对象"))
    legal_basis = models.TextField(_("设定依据"))
    statutory_days = models.PositiveSmallIntegerField(_("法定时限（工作日）"))
    promised_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"))
    handling_level = models.CharField(
        _("办理层级"), max_length=10, choices=HandlingLevel.choices, default=HandlingLevel.BUREAU
    )
    form_schema = models.JSONField(_("申请表结构（JSON Schema）"), default=dict)
    procedure = models.JSONField(
        _("办理程序"), default=list, blank=True, help_text=_("按顺序列出的办理步骤（字符串数组）")
    )
    process_id = models.CharField(_("流程编号（BPMN）"), max_length=80)
    certificate_type = models.SlugField(_("证照类型"), max_length=40, blank=True)
    publicity_required = models.BooleanField(_("须批前公示"), default=False)
    fee = models.CharField(_("收费"), max_length=100, default="不收费")
    parallel_group = models.ForeignKey(
        ParallelGroup,
        verbose_name=_("并联审批组"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="item_versions",
    )
    change_note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("生效时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修订人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = _("事项版本")
        verbose_name_plural = _("事项版本")
        ordering = ["item__order", "item__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="catalog_version_number_unique"),
            models.UniqueConstraint(fields=["item"], condition=Q(is_current=True), name="catalog_one_current_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.number} 版）"

    @property
    def code(self) -> str:
        return self.item.code

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        problems = schema_errors(self.form_schema)
        if problems:
            errors["form_schema"] = problems
        if not isinstance(self.procedure, list) or not all(isinstance(step, str) for step in self.procedure):
            errors["procedure"] = [str(_("办理程序须为字符串数组，例如 [\"受理\", \"审查\"]"))]
        if (
            self.statutory_days is not None
            and self.promised_days is not None
            and self.promised_days > self.statutory_days
        ):
            errors["promised_days"] = [str(_("承诺时限不得长于法定时限"))]
        # Apps above add their own checks by name (workflow: the promised days must hold the process's happy path).
        for _label, module in app_modules("catalog_checks"):
            for check in getattr(module, "ITEM_CHECKS", ()):
                for field, problem in check(self):
                    errors.setdefault(field, []).append(problem)
        if errors:
            raise ValidationError(errors)

    def publish(self, *, actor=None, materials=None) -> ItemVersion:
        """Save this unsaved version as the item's newest, current version; the previous one stays for its cases.

        `materials` (unsaved Material objects or dicts of fields) become this version's materials.
        """

        if self.pk is not None:
            raise ValueError("ItemVersion.publish() takes an unsaved version: versions are never edited")
        self.full_clean(exclude=["item", "number"])
        with transaction.atomic():
            item = Item.objects.select_for_update().get(pk=self.item_id)
            previous = item.current
            self.number = item.next_number()
            self.is_current = True
            if actor is not None and getattr(actor, "is_authenticated", False):
                self.created_by = actor
            ItemVersion.objects.filter(item=item, is_current=True).update(is_current=False)
            self.save()
            for material in materials or []:
                if isinstance(material, dict):
                    material = Material(**material)
                material.pk = None
                material.item_version = self
                material.full_clean(exclude=["item_version"])
                material.save()
            Item.objects.filter(pk=item.pk).update(current=self)
            self.item.current = self
            record(
                "catalog.version_published",
                self,
                before={"version": previous.number} if previous else None,
                after={"version": self.number, "item": item.code},
                summary=f"事项“{self.name}”发布第 {self.number} 版"
                + (f"：{self.change_note}" if self.change_note else ""),
                actor=actor,
            )
        return self

    def revise(self, *, actor=None, materials=None, **changes) -> ItemVersion:
        """A new current version of this version's item: this one's fields and materials, with `changes` applied.

        `materials=None` keeps this version's materials; a list replaces them.
        """
        copied = {
            f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields if f.name not in _NOT_COPIED
        }
        new = ItemVersion(**copied)
        for key, value in changes.items():
            setattr(new, key, value)
        if materials is None:
            kept = [f.attname for f in Material._meta.concrete_fields if f.name not in {"id", "item_version"}]
            materials = [{name: getattr(m, name) for name in kept} for m in self.materials.order_by("order", "id")]
        return new.publish(actor=actor, materials=materials)

    @property
    def materials_list(self):
        return self.materials.order_by("order", "id")


class Material(models.Model):
    """One document the applicant hands in for an item version."""

    item_version = models.ForeignKey(
        ItemVersion, verbose_name=_("事项版本"), on_delete=models.CASCADE, related_name="materials"
    )
    code = models.SlugField(_("材料编码"), max_length=40)
    name = models.CharField(_("材料名称"), max_length=200)
    original = models.BooleanField(_("原件"), default=False, help_text=_("勾选：须交原件；否则交复印件"))
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    requirement = models.CharField(
        _("提交要求"), max_length=12, choices=Requirement.choices, default=Requirement.REQUIRED
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    # When a 容缺 material missing at intake falls due: so many working days after intake, or (due_before_issue)
    # at the latest before the certificate is issued, which the issuing refuses to do without it.
    due_days = models.PositiveSmallIntegerField(
        _("容缺补交时限（工作日）"), default=5, help_text=_("容缺受理的材料自受理之日起若干个工作日内补交")
    )
    due_before_issue = models.BooleanField(
        _("发证前补交"), default=False, help_text=_("勾选：容缺材料可于发证前补交，缺少时不予发证（不按工作日计）")
    )

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["item_version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item_version", "code"], name="catalog_material_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def required(self) -> bool:
        """Must be in hand at intake: 容缺 and 告知承诺 materials are not."""
        return self.requirement == Requirement.REQUIRED

    @property
    def due_display(self) -> str:
        """When a 容缺 material falls due, in words (the guide, the intake checklist)."""
        if self.requirement != Requirement.DEFERRABLE:
            return ""
        return "发证前补交" if self.due_before_issue else f"受理后 {self.due_days} 个工作日内补交"


class DelegationRule(models.Model):
    """Which office handles an item for sites in its jurisdiction (下放审批权限)."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="delegation_rules")
    unit = models.ForeignKey(
        "organization.Unit", verbose_name=_("受理机关"), on_delete=models.PROTECT, related_name="delegation_rules"
    )
    priority = models.PositiveSmallIntegerField(
        _("优先级"), default=100, help_text=_("辖区重叠比例相同时，数值小者优先")
    )
    area = models.MultiPolygonField(
        _("适用范围"),
        srid=settings.PLANDESK_SRID,
        null=True,
        blank=True,
        help_text=_("留空：按受理机关（或其上级）的辖区"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("审批权限下放规则")
        verbose_name_plural = _("审批权限下放规则")
        ordering = ["item", "priority", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "unit"], name="catalog_rule_item_unit_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} → {self.unit}"

    def coverage(self):
        """The area this rule covers: its own, else the unit's jurisdiction, else its nearest ancestor's."""
        if self.area is not None:
            return self.area
        unit = self.unit
        seen = set()
        while unit is not None and unit.pk not in seen:
            seen.add(unit.pk)
            if unit.jurisdiction is not None:
                return unit.jurisdiction
            unit = unit.parent
        return None
