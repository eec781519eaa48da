"""Signals of the working-day calendar.

`calendar_changed(sender, dates: set[date])` is sent after an administrator adds, corrects or removes calendar
days, inside the same transaction: owners of open deadlines (workflow tasks, cases) recompute theirs in the
receiver, so the calendar and the deadlines change together or not at all.
"""

from django.dispatch import Signal

calendar_changed = Signal()
