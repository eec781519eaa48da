"""Meetings in the admin are read-only: they change only through the meeting pages and API (audited)."""

from django.contrib import admin

from plandesk.meetings.models import AgendaItem, Attendance, Correction, Meeting


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AgendaInline(AttendanceInline):
    model = AgendaItem
    fields = ("position", "case", "decision", "opinion", "conditions", "decided_at", "decided_by")


@admin.register(Meeting)
class MeetingAdmin(ReadOnly):
    list_display = ("__str__", "kind", "division", "chair", "status", "minutes_number")
    list_filter = ("kind", "status", "division")
    inlines = [AttendanceInline, AgendaInline]


@admin.register(Correction)
class CorrectionAdmin(ReadOnly):
    list_display = ("__str__", "created_by", "created_at")
