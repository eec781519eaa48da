from django.contrib.gis import admin

from plandesk.publicity.models import Document, Opinion, OpinionGroup, Publicity


class DocumentInline(admin.TabularInline):
    model = Document
    extra = 0
    readonly_fields = ["file", "kind", "size"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # uploads go through the staff page, which checks the file


@admin.register(Publicity)
class PublicityAdmin(admin.GISModelAdmin):
    list_display = ["title", "kind", "subject", "starts_on", "ends_on", "media_notice_on", "status"]
    list_filter = ["status", "kind", "subject"]
    search_fields = ["title", "subject_name"]
    readonly_fields = ["status", "notice_due_on", "scheduled_at", "started_at", "ended_at", "summary_published_at"]
    inlines = [DocumentInline]


@admin.register(Opinion)
class OpinionAdmin(admin.ModelAdmin):
    list_display = ["tracking_code", "publicity", "name", "status", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["tracking_code", "name", "content"]
    readonly_fields = ["tracking_code", "status", "duplicate_of", "moderation_reason", "moderated_by", "moderated_at",
                       "client_ip", "via", "submitted_at"]


admin.site.register(OpinionGroup)
