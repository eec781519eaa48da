from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from plandesk.handbook.models import Article, ArticleVersion, Chapter, Regulation, Section


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "is_public")
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "chapter", "is_public")
    list_filter = ("chapter", "is_public")


class ArticleVersionInline(admin.StackedInline):
    model = ArticleVersion
    extra = 1
    fields = ("effective_on", "body", "change_note")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("reference_display", "title", "is_public", "repealed_on", "current_version")
    list_filter = ("section__chapter", "is_public")
    search_fields = ("title", "versions__body")
    list_select_related = ("section__chapter",)
    inlines = [ArticleVersionInline]

    @admin.display(description=_("编号"))
    def reference_display(self, obj):
        return obj.reference

    @admin.display(description=_("现行版本施行日期"))
    def current_version(self, obj):
        version = obj.version_on()
        return version.effective_on if version else "—"


@admin.register(Regulation)
class RegulationAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "issuing_body", "document_number", "effective_on", "status_display", "is_public")
    list_filter = ("kind", "is_public")
    search_fields = ("title", "short_title", "document_number", "code")
    autocomplete_fields = ("replaced_by",)
    fieldsets = (
        (None, {"fields": ("code", "title", "short_title", "kind", "issuing_body", "document_number", "is_public")}),
        (_("日期与效力"), {"fields": ("promulgated_on", "effective_on", "amended_on", "repealed_on", "replaced_by")}),
        (_("内容"), {"fields": ("summary", "key_articles")}),
    )

    @admin.display(description=_("效力状态"))
    def status_display(self, obj):
        return obj.status().label
