from django.contrib import admin

from plandesk.portal.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "published_on", "pinned")
    list_filter = ("kind", "pinned")
    search_fields = ("title", "body")
    date_hierarchy = "published_on"
