"""Pages: booking on the portal (public), the appointment card and its PDF, and the consultants' day view."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plandesk.appointments import services
from plandesk.appointments.forms import BookingForm, FindForm, OutcomeForm, StaffBookingForm
from plandesk.appointments.models import Appointment, InvalidTransition, Slot
from plandesk.appointments.pdf import card_pdf
from plandesk.appointments.rules import DESK_ROLES
from plandesk.core.context import client_ip
from plandesk.workdays.calendar import add_working_days, is_working_day

SESSION_KEY = "appointment_cards"


def _is_desk(user) -> bool:
    return user.is_authenticated and user.has_role(*DESK_ROLES)


def _day(request) -> date:
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        today = timezone.localdate()
        return today if is_working_day(today) else add_working_days(today, 1)


def _slot_rows(day: date, consultant: str = ""):
    now = timezone.now()
    slots = services.slots_on(day)
    if consultant:
        slots = slots.filter(consultant__username=consultant)
    return [{"slot": slot, "free": slot.starts_at > now and not slot.is_booked and not slot.is_blocked}
            for slot in slots]


def _grant(request, card_number: str) -> None:
    cards = request.session.get(SESSION_KEY, [])
    if card_number not in cards:
        request.session[SESSION_KEY] = [*cards[-9:], card_number]


def _card_for(request, card_number: str) -> Appointment:
    """The booking, for whoever booked it in this session, proved its phone, or works the desk."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("slot__place", "slot__consultant"), card_number=card_number
    )
    if card_number in request.session.get(SESSION_KEY, []) or _is_desk(request.user):
        return appointment
    raise Http404


def home(request):
    """Choose a day and a free slot."""
    day = _day(request)
    first, last = services.bookable_window()
    consultant = request.GET.get("consultant", "")
    context = {
        "day": day, "rows": _slot_rows(day, consultant), "working": is_working_day(day),
        "consultants": services.consultants(), "consultant": consultant,
        "previous": add_working_days(day, -1), "next": add_working_days(day, 1), "first": first, "last": last,
    }
    return render(request, "appointments/home.html", context)


def book(request, slot_id: int):
    slot = get_object_or_404(Slot.objects.with_state().select_related("place", "consultant"), pk=slot_id)
    staff = _is_desk(request.user)
    form_class = StaffBookingForm if staff else BookingForm
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        applicant = services.Applicant(data["name"], data["phone"], data["topic"], data["case_number"],
                                       data["organization"])
        channel = data.get("channel", Appointment.Channel.ONLINE)
        try:
            appointment = services.book(slot.pk, applicant, channel=channel, booked_by=request.user if staff else None,
                                        ip=client_ip(request))
        except services.BookingError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
            status = exc.status
        else:
            _grant(request, appointment.card_number)
            messages.success(request, _("预约成功，请记下预约卡号：%(card)s") % {"card": appointment.card_number})
            return redirect("appointments:card", card_number=appointment.card_number)
    elif request.method == "POST":
        status = 400
    return render(request, "appointments/book.html", {"slot": slot, "form": form, "free": services.is_free(slot)},
                  status=status)


def find(request):
    """Card number and phone open the card (to print, cancel or move it)."""
    form = FindForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.throttle(client_ip(request), "lookup")
        except services.BookingError as exc:
            form.add_error(None, exc.message)
            status = 429
        else:
            appointment = services.find(form.cleaned_data["card_number"], form.cleaned_data["phone"])
            if appointment is not None:
                _grant(request, appointment.card_number)
                return redirect("appointments:card", card_number=appointment.card_number)
            form.add_error(None, _("预约卡号或手机号码不正确。"))
            status = 404
    return render(request, "appointments/find.html", {"form": form}, status=status)


def card(request, card_number: str):
    appointment = _card_for(request, card_number)
    return render(request, "appointments/card.html", {"appointment": appointment, "slot": appointment.slot})


def card_pdf_view(request, card_number: str):
    appointment = _card_for(request, card_number)
    response = HttpResponse(card_pdf(appointment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="appointment-{appointment.card_number}.pdf"'
    return response


@require_POST
def cancel(request, card_number: str):
    appointment = _card_for(request, card_number)
    try:
        appointment.cancel(ip=client_ip(request))
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("预约已取消。"))
    return redirect("appointments:card", card_number=card_number)


def move(request, card_number: str):
    """Pick another slot for the same card."""
    appointment = _card_for(request, card_number)
    status = 200
    if request.method == "POST":
        try:
            services.move(appointment, int(request.POST.get("slot_id", "0") or 0), ip=client_ip(request))
        except services.BookingError as exc:
            messages.error(request, exc.message)
            status = exc.status
        except (InvalidTransition, ValueError):
            messages.error(request, _("该预约不能改期。"))
            status = 409
        else:
            messages.success(request, _("已改期。"))
            return redirect("appointments:card", card_number=card_number)
    day = _day(request)
    context = {"appointment": appointment, "day": day, "rows": _slot_rows(day), "working": is_working_day(day),
               "previous": add_working_days(day, -1), "next": add_working_days(day, 1)}
    return render(request, "appointments/move.html", context, status=status)


# --- staff ----------------------------------------------------------------------------------------------------

@login_required
def schedule(request):
    """The consultant's day (default: his own slots) and the hall's day (?who=all)."""
    if not _is_desk(request.user):
        raise PermissionDenied
    day = _day(request)
    rows = []
    who = request.GET.get("who") or ("me" if request.user.has_role("consultant") else "all")
    slots = services.slots_on(day)
    if who == "me":
        slots = slots.filter(consultant=request.user)
    live = {
        a.slot_id: a
        for a in Appointment.objects.filter(slot__in=[s.pk for s in slots], status__in=Appointment.LIVE)
    }
    for slot in slots:
        rows.append({"slot": slot, "appointment": live.get(slot.pk)})
    context = {
        "day": day, "rows": rows, "who": who, "working": is_working_day(day),
        "previous": add_working_days(day, -1), "next": add_working_days(day, 1), "outcome_form": OutcomeForm(),
    }
    return render(request, "appointments/schedule.html", context)


def _staff_appointment(request, card_number: str) -> Appointment:
    if not _is_desk(request.user):
        raise PermissionDenied
    appointment = get_object_or_404(Appointment.objects.select_related("slot"), card_number=card_number)
    # A consultant acts on his own consultations; the window, the office and the director on any.
    only_own = request.user.has_role("consultant") and not request.user.has_role(*DESK_ROLES[1:])
    if only_own and appointment.slot.consultant_id != request.user.pk:
        raise PermissionDenied
    return appointment


def _back(appointment: Appointment):
    day = timezone.localdate(appointment.slot.starts_at)
    return redirect(f"{_schedule_url()}?date={day:%Y-%m-%d}")


def _schedule_url() -> str:
    from django.urls import reverse

    return reverse("appointments:schedule")


@login_required
@require_POST
def check_in(request, card_number: str):
    appointment = _staff_appointment(request, card_number)
    try:
        appointment.check_in()
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已签到：%(name)s") % {"name": appointment.name})
    return _back(appointment)


@login_required
@require_POST
def complete(request, card_number: str):
    appointment = _staff_appointment(request, card_number)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写接待记录。"))
        return _back(appointment)
    try:
        appointment.complete(form.cleaned_data["outcome"], form.cleaned_data["case_number"])
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("接待记录已保存。"))
    return _back(appointment)


@login_required
@require_POST
def no_show(request, card_number: str):
    appointment = _staff_appointment(request, card_number)
    if appointment.slot.starts_at > timezone.now():
        messages.error(request, _("预约时间未到，不能记为未到。"))
        return _back(appointment)
    try:
        appointment.mark_no_show()
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    return _back(appointment)


