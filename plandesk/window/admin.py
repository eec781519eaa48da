from django.contrib import admin

from plandesk.window.models import Pickup, QueryFailure, RefusalNotice, SupplementNotice


@admin.register(SupplementNotice)
class SupplementNoticeAdmin(admin.ModelAdmin):
    list_display = ("number", "case", "state", "issued_at", "fulfilled_at")
    list_filter = ("state",)
    readonly_fields = [f.name for f in SupplementNotice._meta.fields]


@admin.register(Pickup)
class PickupAdmin(admin.ModelAdmin):
    list_display = ("case", "collector_name", "on_behalf_of", "picked_up_at", "clerk")
    readonly_fields = [f.name for f in Pickup._meta.fields]


@admin.register(RefusalNotice)
class RefusalNoticeAdmin(admin.ModelAdmin):
    list_display = ("case", "issued_at", "issued_by")
    readonly_fields = [f.name for f in RefusalNotice._meta.fields]


@admin.register(QueryFailure)
class QueryFailureAdmin(admin.ModelAdmin):
    list_display = ("case_number", "address", "channel", "at")
    search_fields = ("case_number", "address")
    readonly_fields = [f.name for f in QueryFailure._meta.fields]
