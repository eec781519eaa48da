from django.contrib import admin

from plandesk.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "kind", "recipient", "address", "subject", "status", "attempts")
    list_filter = ("channel", "status", "kind")
    search_fields = ("subject", "address", "recipient__username")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
