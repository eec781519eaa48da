"""Demo data: the calendar from the chinesecalendar package (the data migration does the same; idempotent)."""

from plandesk.workdays.models import CalendarDay, CalendarVersion, CalendarYear
from plandesk.workdays.seed import seed


def load(out) -> None:
    added = seed(CalendarDay, CalendarYear, CalendarVersion)
    years = CalendarYear.objects.order_by("year").values_list("year", flat=True)
    count = CalendarDay.objects.count()
    out.write(f"    日历：{count} 个例外日（新增 {added}），已录入 {years.first()}–{years.last()} 年")
