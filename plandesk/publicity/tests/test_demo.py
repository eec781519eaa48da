import io

import pytest

from plandesk.publicity import demo
from plandesk.publicity.models import Opinion, Publicity, Status

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_publicity_once():
    demo.load(io.StringIO())
    demo.load(io.StringIO())
    assert Publicity.objects.current().count() == 2
    square = Publicity.objects.get(subject="district_plan")
    assert square.venues == ["city_square", "portal"] and square.opinions.count() == 4
    past = Publicity.objects.get(status=Status.ENDED)
    assert past.summary_published_at is not None
    assert Opinion.objects.count() == 9
