from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from plandesk.workdays import services
from plandesk.workdays.models import CalendarDay, CalendarYear, schedule_warning_years


def schedule_warning_text(years: list[int]) -> str:
    listed = "、".join(str(year) for year in years)
    return gettext(
        "%(years)s 年的法定节假日安排尚未录入：在录入前，这些年份按“周一至周五上班”计算工作日（不含节假日和调休）。"
        "请在“日历例外日”中录入节假日与调休上班日，再在“已录入年度安排”中登记该年。"
    ) % {"years": listed}


def warn_administrators(request) -> None:
    """Every admin page carries the warning until the year is entered."""
    if getattr(request, "_workdays_warned", False):
        return
    request._workdays_warned = True
    years = schedule_warning_years()
    if years:
        messages.warning(request, schedule_warning_text(years))


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name"]

    def validate_unique(self):
        # A date already in the table is corrected, not refused (see clean and services.set_day).
        pass

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("date")
        moved = day and self.instance.pk and day != self.initial.get("date")
        if moved and CalendarDay.objects.filter(date=day).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError({"date": _("该日期已有记录，请直接修改那一条。")})
        return cleaned


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ("date", "weekday", "kind", "name", "source", "updated_at")
    list_filter = ("kind", "source")
    search_fields = ("name",)
    date_hierarchy = "date"

    @admin.display(description=_("星期"))
    def weekday(self, obj):
        return "一二三四五六日"[obj.date.weekday()]

    def changelist_view(self, request, extra_context=None):
        warn_administrators(request)
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        previous = form.initial.get("date") if change else None
        saved = services.set_day(obj.date, obj.kind, obj.name, previous_date=previous)
        obj.pk, obj.source, obj.updated_at = saved.pk, saved.source, saved.updated_at
        obj._state.adding = False

    def delete_model(self, request, obj):
        services.remove_day(obj)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            services.remove_day(entry)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "entered_at", "note")
    fields = ("year", "note")

    def get_readonly_fields(self, request, obj=None):
        return ("year",) if obj else ()

    def changelist_view(self, request, extra_context=None):
        warn_administrators(request)
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["note"])
            return
        saved = services.enter_year(obj.year, obj.note)
        obj.pk = saved.pk
        obj._state.adding = False
