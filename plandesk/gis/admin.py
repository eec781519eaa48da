"""The layer catalogue in the admin: access levels and grants; versions are read-only (they come from imports)."""

from django.contrib import admin

from plandesk.gis.models import Layer, LayerVersion


class VersionInline(admin.TabularInline):
    model = LayerVersion
    fields = ("number", "status", "mode", "effective_on", "source", "source_srs", "feature_count", "loaded_at",
              "loaded_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Layer)
class LayerAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "family", "kind", "access", "order", "is_active")
    list_filter = ("family", "access", "is_active")
    search_fields = ("code", "name")
    filter_horizontal = ("granted_posts",)
    readonly_fields = ("attribute_schema", "extent_lonlat")
    inlines = [VersionInline]
