from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plandesk.accounts.models import Role
from plandesk.appointments.models import Place, ReceptionHours
from plandesk.conftest import make_user

SH = ZoneInfo("Asia/Shanghai")
# Monday before National Day 2026: 09-30 is a working day, 10-01..10-07 are off, Saturday 10-10 is worked.
NOW = datetime(2026, 9, 28, 8, 0, tzinfo=SH)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def consultant(db):
    return make_user("consultant1", Role.CONSULTANT, full_name="咨询人员 赵磊")


@pytest.fixture
def hall(db, consultant):
    """One consultant at table 1, Monday to Friday 9:00–11:30 and 14:00–17:00 in 30-minute slots."""
    place = Place.objects.create(code="hall-1", name="大厅洽谈区 1 号桌")
    for weekday in range(5):
        ReceptionHours.objects.create(consultant=consultant, place=place, weekday=weekday,
                                      starts=time(9, 0), ends=time(11, 30))
        ReceptionHours.objects.create(consultant=consultant, place=place, weekday=weekday,
                                      starts=time(14, 0), ends=time(17, 0))
    return place


def booking(slot_id, phone="13800138000", **extra):
    return {"slot_id": slot_id, "name": "张三", "phone": phone, "topic": "建设工程规划许可证办理咨询",
            "case_number": None, **extra}
