"""Administering the catalogue. Saving an item version never edits it: it publishes a new version."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from plandesk.catalog.models import DelegationRule, Item, ItemVersion, Material, ParallelGroup

MATERIAL_FIELDS = ("code", "name", "original", "copies", "requirement", "due_days", "due_before_issue", "note", "order")


class MaterialFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            code = data.get("code")
            if code in seen:
                raise forms.ValidationError(
                    _("材料编码“%(code)s”重复：同一版本中每种材料的编码须唯一"), params={"code": code}
                )
            seen.add(code)


class MaterialInline(admin.TabularInline):
    model = Material
    formset = MaterialFormSet
    fields = MATERIAL_FIELDS
    extra = 1

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.is_current

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.is_current

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.is_current


class PrettyJSONField(forms.JSONField):
    """JSON shown indented, Chinese as it is, so an administrator can read and edit the form schema."""

    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)


class ItemVersionForm(forms.ModelForm):
    form_schema = PrettyJSONField(
        label=_("申请表结构（JSON Schema）"),
        help_text=_("JSON Schema Draft 2020-12，顶层为 object，每个属性须有中文 title"),
        widget=forms.Textarea(attrs={"rows": 28, "cols": 110, "style": "font-family: monospace"}),
    )
    procedure = PrettyJSONField(
        label=_("办理程序"), required=False, help_text=_("按顺序列出的办理步骤（字符串数组）"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 110}),
    )

    class Meta:
        model = ItemVersion
        fields = (
            "item", "name", "category", "summary", "legal_basis", "statutory_days", "promised_days",
            "handling_level", "process_id", "procedure", "parallel_group", "certificate_type",
            "publicity_required", "fee", "form_schema", "change_note",
        )
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3, "cols": 100}),
            "summary": forms.Textarea(attrs={"rows": 3, "cols": 100}),
        }

    def clean_procedure(self):
        return self.cleaned_data.get("procedure") or []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The note describes the next version, not the one being revised.
            self.initial["change_note"] = ""
        if "change_note" in self.fields:
            self.fields["change_note"].help_text = _("保存即发布新版本；已按旧版本受理的案件仍适用旧版本")


@admin.register(ItemVersion)
class ItemVersionAdmin(admin.ModelAdmin):
    form = ItemVersionForm
    inlines = [MaterialInline]
    list_display = ("name", "item_code", "number", "is_current", "category", "promised_days", "created_at")
    list_filter = ("is_current", "category", "handling_level")
    list_select_related = ("item",)
    search_fields = ("name", "item__code")
    fieldsets = (
        (None, {"fields": ("item", "name", "category", "summary", "legal_basis")}),
        (_("时限与办理"), {"fields": (
            "statutory_days", "promised_days", "handling_level", "process_id", "procedure", "parallel_group",
            "certificate_type", "publicity_required", "fee",
        )}),
        (_("申请表"), {"fields": ("form_schema",)}),
        (_("修订"), {"fields": ("change_note",)}),
    )

    @admin.display(description=_("事项编码"), ordering="item__code")
    def item_code(self, obj: ItemVersion) -> str:
        return obj.item.code

    def get_readonly_fields(self, request, obj=None):
        return ("item",) if obj is not None else ()

    def has_change_permission(self, request, obj=None):
        # Old versions stay as the cases filed under them knew them: view only.
        return super().has_change_permission(request, obj) and (obj is None or obj.is_current)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Nothing is written here: save_related publishes the new version with its materials at once."""

    def save_related(self, request, form, formsets, change):
        materials = []
        changed = form.has_changed() or not change
        for formset in formsets:
            changed = changed or formset.has_changed()
            for material_form in formset.forms:
                data = getattr(material_form, "cleaned_data", None)
                if not data or data.get("DELETE"):
                    continue
                materials.append({name: data[name] for name in MATERIAL_FIELDS})
            # Read by the admin's change message; nothing was saved through the formsets themselves.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        obj = form.instance
        if not changed:
            return
        kept = {"id", "number", "is_current", "created_at", "created_by"}
        fields = {f.attname: getattr(obj, f.attname) for f in ItemVersion._meta.concrete_fields if f.name not in kept}
        version = ItemVersion(**fields).publish(actor=request.user, materials=materials)
        obj.pk, obj.number, obj.is_current = version.pk, version.number, True


class VersionInline(admin.TabularInline):
    model = ItemVersion
    fields = ("number_link", "name", "is_current", "promised_days", "change_note", "created_at", "created_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name = _("版本")
    verbose_name_plural = _("版本沿革（已受理案件按其受理时的版本办理）")

    @admin.display(description=_("版本号"))
    def number_link(self, obj: ItemVersion):
        url = reverse("admin:catalog_itemversion_change", args=[obj.pk])
        return format_html('<a href="{}">第 {} 版</a>', url, obj.number)

    def has_add_permission(self, request, obj=None):
        return False


class DelegationRuleInline(admin.TabularInline):
    model = DelegationRule
    fields = ("unit", "priority", "coverage_display", "note")
    readonly_fields = ("coverage_display",)
    extra = 1

    @admin.display(description=_("适用范围"))
    def coverage_display(self, obj: DelegationRule) -> str:
        if obj.pk is None:
            return ""
        if obj.area is not None:
            return _("特定范围（%(km2).2f 平方公里）") % {"km2": obj.area.area / 1e6}
        return _("受理机关辖区") if obj.coverage() is not None else _("未设辖区：规则不生效")
    verbose_name_plural = _("审批权限下放规则（按受理机关辖区；特定适用范围由信息中心导入）")


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("code", "current_name", "current_number", "order", "is_active", "revise_link")
    list_filter = ("is_active",)
    search_fields = ("code", "current__name")
    fields = ("code", "order", "is_active")
    inlines = [DelegationRuleInline, VersionInline]

    @admin.display(description=_("事项名称"))
    def current_name(self, obj: Item) -> str:
        return obj.current.name if obj.current_id else "—"

    @admin.display(description=_("现行版本"))
    def current_number(self, obj: Item):
        return obj.current.number if obj.current_id else "—"

    @admin.display(description=_("修订"))
    def revise_link(self, obj: Item):
        if obj.current_id:
            url = reverse("admin:catalog_itemversion_change", args=[obj.current_id])
            return format_html('<a href="{}">{}</a>', url, _("修订现行版本"))
        url = reverse("admin:catalog_itemversion_add") + f"?item={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("发布第一版"))

    def response_add(self, request, obj, post_url_continue=None):
        """A new item has no rules yet: go on to publish its first version."""
        if "_addanother" in request.POST or "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        from django.http import HttpResponseRedirect

        return HttpResponseRedirect(reverse("admin:catalog_itemversion_add") + f"?item={obj.pk}")

    def get_readonly_fields(self, request, obj=None):
        # The code is what cases, the API and the processes know the item by.
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ParallelGroup)
class ParallelGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
