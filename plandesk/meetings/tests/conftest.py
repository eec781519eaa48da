"""Meeting fixtures: the workflow's small bureau (divisions, heads, director) and cases brought to a meeting step."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from plandesk.testing.bureau import SmallBureau as Bureau
from plandesk.testing.driving import REVIEW_FORM, open_task
from plandesk.testing.fixtures import fast_hasher  # noqa: F401 (fixture)
from plandesk.testing.small import bureau  # noqa: F401 (fixture)
from plandesk.workflow import services as workflow

SH = ZoneInfo("Asia/Shanghai")
HELD_AT = datetime(2026, 11, 27, 9, 0, tzinfo=SH)


def to_division_meeting(b: Bureau, office: str = "div1"):
    """A new case whose handler has reviewed it: it now waits for its division meeting."""
    case = b.new_case("permit", office=office)
    handler = "handler1" if office == "div1" else "handler2"
    workflow.complete_task(open_task(case).pk, b[handler], decision="approve", opinion="符合控规", form=REVIEW_FORM)
    return case


def to_director_review_done(b: Bureau, case):
    """The director submits the case to the bureau meeting."""
    task = open_task(case, "director_review")
    workflow.complete_task(task.pk, b["director"], decision="approve", opinion="提交局务会",
                           form={"submit_to_bureau_meeting": True})
