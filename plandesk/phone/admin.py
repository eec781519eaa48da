from django.contrib import admin

from plandesk.phone.models import CallLog


@admin.register(CallLog)
class CallLogAdmin(admin.ModelAdmin):
    list_display = ("started_at", "caller", "channel", "outcome")
    list_filter = ("outcome", "channel")
    readonly_fields = [f.name for f in CallLog._meta.fields]
