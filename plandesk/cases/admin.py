"""Cases in the admin: read-only (a case changes only through its transitions and the workflow)."""

from django.contrib import admin

from plandesk.cases.models import Case, CaseEvent, CasePause


class CasePauseInline(admin.TabularInline):
    model = CasePause
    extra = 0
    can_delete = False
    readonly_fields = ("reason", "note", "started_at", "ended_at", "started_by", "ended_by")


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = ("at", "kind", "actor", "summary", "detail")
    fields = readonly_fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("number", "project_name", "applicant_name", "status", "handling_office", "received_at", "due_at")
    list_filter = ("status", "handling_office")
    search_fields = ("number", "project_name", "applicant_name")
    inlines = [CasePauseInline, CaseEventInline]
    exclude = ("site", "query_password_hash")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Case._meta.fields if f.name not in ("site", "query_password_hash")] + [
            "item_versions"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
