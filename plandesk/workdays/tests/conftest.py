import pytest

from plandesk.core.signals import calendar_changed


@pytest.fixture
def calendar_signals():
    """Every calendar_changed sent during the test, as the sets of dates it carried."""
    received: list[set] = []

    def receiver(sender, dates, **kwargs):
        received.append(set(dates))

    calendar_changed.connect(receiver, weak=False)
    yield received
    calendar_changed.disconnect(receiver)
