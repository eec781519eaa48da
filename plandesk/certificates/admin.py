from django.contrib import admin

from plandesk.certificates.models import Certificate, CertificateType, Handover, IssuingOffice


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    """Administrators configure names and number formats ({area}, {year}, {seq})."""

    list_display = ("code", "name", "kind", "number_format", "is_active")
    list_filter = ("kind", "is_active")


@admin.register(IssuingOffice)
class IssuingOfficeAdmin(admin.ModelAdmin):
    list_display = ("authority", "area_code", "unit")


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates change only through their transitions (prepare, check, issue, void, reissue)."""

    list_display = ("number", "type", "case", "status", "issued_on")
    list_filter = ("status", "type")
    search_fields = ("number", "case__number")
    readonly_fields = [f.name for f in Certificate._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ("certificate", "collector_name", "handed_at", "clerk")
    readonly_fields = [f.name for f in Handover._meta.fields]

    def has_add_permission(self, request):
        return False
