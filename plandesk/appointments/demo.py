"""Demo: the hall's table and the demo consultant's hours (Mon–Fri 9:00–11:30, 14:00–17:00), slots for ten working
days ahead. Idempotent."""

from datetime import time

from django.utils import timezone

from plandesk.accounts.models import User
from plandesk.appointments.models import Place, ReceptionHours
from plandesk.appointments.services import ensure_slots
from plandesk.organization.models import Post
from plandesk.workdays.calendar import add_working_days


def load(out) -> None:
    consultant = User.objects.filter(username="consultant").first()
    if consultant is None:
        out.write("    预约：无演示咨询人员 consultant，跳过")
        return
    place, _ = Place.objects.get_or_create(code="hall-1", defaults={"name": "办事大厅洽谈区 1 号桌"})
    # The organization's demo (loaded first, by layer) staffs the window's consultant post.
    post = Post.objects.filter(code="window.consultant", memberships__user=consultant).first()
    for weekday in range(5):
        for starts, ends in ((time(9, 0), time(11, 30)), (time(14, 0), time(17, 0))):
            ReceptionHours.objects.get_or_create(
                consultant=consultant, weekday=weekday, starts=starts,
                defaults={"ends": ends, "place": place, "post": post, "slot_minutes": 30},
            )
    today = timezone.localdate()
    for n in range(1, 11):
        ensure_slots(add_working_days(today, n))
    out.write("    预约：consultant 周一至周五 9:00–11:30、14:00–17:00，已生成今后 10 个工作日的时段")
