from django.shortcuts import render

from plandesk.workdays import calendar
from plandesk.workdays.forms import AddDaysForm, BetweenForm


def calculator(request):
    """The public working-day calculator: plain GET forms, works without JavaScript."""
    which = request.GET.get("form")
    add_form = AddDaysForm(request.GET if which == "add" else None, prefix="add")
    between_form = BetweenForm(request.GET if which == "between" else None, prefix="between")
    result = None
    status = 200
    if which == "add":
        if add_form.is_valid():
            start, days = add_form.cleaned_data["start"], add_form.cleaned_data["days"]
            result = {"kind": "add", "start": start, "days": days, "date": calendar.add_working_days(start, days)}
        else:
            status = 400
    elif which == "between":
        if between_form.is_valid():
            start, end = between_form.cleaned_data["start"], between_form.cleaned_data["end"]
            result = {"kind": "between", "start": start, "end": end,
                      "days": calendar.working_days_between(start, end)}
        else:
            status = 400
    if result:
        target = result.get("date")
        result["is_working"] = calendar.is_working_day(target) if target else None
    context = {"add_form": add_form, "between_form": between_form, "result": result}
    return render(request, "workdays/calculator.html", context, status=status)
