from django.contrib import admin

from plandesk.appointments.models import Appointment, BlockedPeriod, Place, ReceptionHours, Slot


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_active")


@admin.register(ReceptionHours)
class ReceptionHoursAdmin(admin.ModelAdmin):
    list_display = ("consultant", "post", "place", "weekday", "starts", "ends", "slot_minutes", "is_active")
    list_filter = ("weekday", "place", "is_active")


@admin.register(BlockedPeriod)
class BlockedPeriodAdmin(admin.ModelAdmin):
    list_display = ("reason", "consultant", "starts_at", "ends_at")


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ("starts_at", "ends_at", "consultant", "place")
    date_hierarchy = "starts_at"

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Read-only: bookings change only through their transitions (the portal and the schedule page)."""

    list_display = ("card_number", "name", "phone", "slot", "status", "channel", "booked_at")
    list_filter = ("status", "channel")
    search_fields = ("card_number", "name", "phone", "case_number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
