from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from plandesk.accounts.models import ApiToken, LoginThrottle, SignInAddress, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "phone", "is_active", "is_staff")
    search_fields = ("username", "full_name", "phone")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("机关信息"), {"fields": ("full_name", "phone")}),
    )


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    list_display = ("username", "failures", "locked_until", "last_failure_at", "refused")
    search_fields = ("username",)


@admin.register(SignInAddress)
class SignInAddressAdmin(admin.ModelAdmin):
    """Failed sign-ins per client address; deleting a row lets that address (e.g. an office's NAT) try again."""

    list_display = ("address", "failures", "window_started_at", "refused")
    search_fields = ("address",)
    readonly_fields = ("address", "failures", "window_started_at", "refused")

    def has_add_permission(self, request):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "expires_at", "revoked_at")
    readonly_fields = ("user", "digest", "created_at", "expires_at")
    actions = ["revoke"]

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        from django.utils import timezone

        queryset.update(revoked_at=timezone.now())

    def has_add_permission(self, request):
        return False
