from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plandesk.organization.forms import PostAdminForm, SubstituteAdminForm, UnitAdminForm
from plandesk.organization.models import Post, PostMembership, Substitute, Unit


class PostInline(admin.TabularInline):
    model = Post
    fields = ("code", "name", "function", "authority")
    extra = 0
    show_change_link = True


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
    list_display = ("code", "name", "kind", "parent", "head", "has_jurisdiction", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("parent", "head")
    inlines = [PostInline]

    @admin.display(boolean=True, description=_("有管辖范围"))
    def has_jurisdiction(self, unit: Unit) -> bool:
        return unit.jurisdiction is not None


class MembershipInline(admin.TabularInline):
    model = PostMembership
    fields = ("user", "since")
    extra = 1
    verbose_name = _("在岗人员")
    verbose_name_plural = _("在岗人员")


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    form = PostAdminForm
    list_display = ("code", "name", "unit", "function", "authority", "member_names")
    list_filter = ("function", "authority", "unit")
    search_fields = ("code", "name", "unit__name", "members__username", "members__full_name")
    list_select_related = ("unit",)
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members")

    @admin.display(description=_("在岗人员"))
    def member_names(self, post: Post) -> str:
        return "、".join(str(user) for user in post.members.all())


class ActiveListFilter(admin.SimpleListFilter):
    title = _("状态")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("now", _("今日有效")), ("future", _("尚未开始")), ("past", _("已结束"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "now":
            return queryset.active_on(today)
        if self.value() == "future":
            return queryset.filter(starts_on__gt=today)
        if self.value() == "past":
            return queryset.filter(ends_on__lt=today)
        return queryset


@admin.register(Substitute)
class SubstituteAdmin(admin.ModelAdmin):
    form = SubstituteAdminForm
    list_display = ("post", "absent", "substitute", "starts_on", "ends_on", "reason")
    list_filter = (ActiveListFilter, "post__unit")
    search_fields = ("post__code", "absent__username", "absent__full_name", "substitute__username",
                     "substitute__full_name")
    list_select_related = ("post__unit", "absent", "substitute")
    date_hierarchy = "starts_on"
