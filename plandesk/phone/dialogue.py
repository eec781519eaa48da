"""The phone dialogue as one state machine; `vxml` and the JSON webhook only render its turns.

A turn is what the platform does next: say some prompts, then collect digits (`ask`), transfer to the operator, or
end. Every step below names its prompt and its DTMF grammar; `advance` takes the caller's digits (or an event such
as `nomatch`) for the call's current step and returns the next turn. The call row keeps the state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Sum
from django.utils import timezone

from plandesk.phone.models import CallLog, Outcome
from plandesk.phone.prompts import Prompt, fixed, operator_number, spoken

MAX_TRIES = 3  # a wrong number or password is asked again twice, then the call ends politely


@dataclass(frozen=True)
class Grammar:
    """DTMF only: either a set of single keys, or a run of min..max digits closed by `#`."""

    choices: tuple[str, ...] = ()
    min_digits: int = 1
    max_digits: int = 20

    def accepts(self, digits: str) -> bool:
        if self.choices:
            return digits in self.choices
        return digits.isdigit() and digits.isascii() and self.min_digits <= len(digits) <= self.max_digits


@dataclass(frozen=True)
class Step:
    name: str
    prompt: str
    grammar: Grammar


DIGITS = Grammar(min_digits=1, max_digits=20)
STEPS = {step.name: step for step in (
    Step("menu", "menu", Grammar(choices=("1", "2", "0"))),
    Step("case_number", "ask_case_number", DIGITS),
    Step("password", "ask_password", DIGITS),
    Step("card_number", "ask_card", DIGITS),
    Step("phone", "ask_phone", Grammar(min_digits=11, max_digits=11)),
    # A cancel needs what the web cancel needs: the card number and the mobile given at booking, typed by the caller
    # (the calling number alone identifies the caller for hearing the booking, not for cancelling it).
    Step("cancel_phone", "ask_phone", Grammar(min_digits=11, max_digits=11)),
    Step("appointment_menu", "appointment_menu", Grammar(choices=("1", "9"))),
    Step("more", "more", Grammar(choices=("1", "2"))),
)}


@dataclass
class Turn:
    call: CallLog
    action: str  # "ask" | "transfer" | "end"
    prompts: list[Prompt] = field(default_factory=list)
    step: Step | None = None
    transfer_to: str = ""

    @property
    def ask_prompts(self) -> list[Prompt]:
        return [fixed(self.step.prompt)] if self.step else []


def _ask(call: CallLog, name: str, *said: Prompt, mark: str | None = None, **data) -> Turn:
    call.move_to(name, mark, **data)
    return Turn(call, "ask", list(said), STEPS[name])


def _end(call: CallLog, outcome: str, *said: Prompt, mark: str | None = None) -> Turn:
    call.finish(outcome, mark)
    return Turn(call, "end", [*said, fixed("goodbye")])


def normalize_caller(raw: str) -> str:
    """The platform's caller URI (tel:+8613800138000, sip:1380...@host) reduced to its digits, as given."""
    raw = (raw or "").strip()[:200]
    user = re.sub(r"^(tel|sip|sips):", "", raw).split("@")[0].split(";")[0]
    return "".join(ch for ch in user if ch.isdigit() or ch == "+")[:32]


def caller_mobile(caller: str) -> str:
    digits = caller.lstrip("+")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if re.fullmatch(r"1\d{10}", digits) else ""


def start(caller: str, platform_address: str | None, channel: str) -> Turn:
    call = CallLog.objects.create(caller=normalize_caller(caller), platform_address=(platform_address or "")[:64],
                                  channel=channel)
    return _ask(call, "menu", fixed("welcome"))


def current(call: CallLog) -> Turn:
    """The turn the call is waiting on (a stale or repeated submit gets it again)."""
    if call.is_finished:
        return Turn(call, "end", [fixed("goodbye")])
    if call.step == "transfer":
        return Turn(call, "transfer", [fixed("transfer")], transfer_to=operator_number())
    return Turn(call, "ask", [], STEPS[call.step])


def advance(call: CallLog, digits: str = "", event: str = "", address: str | None = None) -> Turn:
    """The next turn. `address` is the real client address of this request (the platform's): the per-address
    limits count it, whatever caller number the call carries."""
    call.client_address = (address or call.platform_address or "")[:64]
    if call.is_finished:
        return current(call)
    if event == "hangup":  # a caller who heard his answer and hung up got what he called for
        call.finish(call.data.get("heard") or Outcome.HANGUP, "挂机")
        return Turn(call, "end")
    if event == "transfer" or call.step == "transfer":
        return _after_transfer(call, digits) if event == "transfer" else current(call)
    if event in ("nomatch", "noinput") and call.data.get("heard") and call.step == "more":
        return _end(call, call.data["heard"])
    if event in ("nomatch", "noinput"):
        if call.channel == "vxml":  # the document's own <nomatch>/<noinput> already re-prompted twice
            return _end(call, Outcome.WRONG_INPUT, fixed("too_many"), mark="无效输入")
        return _invalid(call)  # the webhook's platform reports each one: the server counts
    step = STEPS.get(call.step)
    digits = (digits or "").strip()[:40]
    if step is None or not step.grammar.accepts(digits):
        return _invalid(call)
    return HANDLERS[step.name](call, digits)


def _invalid(call: CallLog) -> Turn:
    invalid = call.data.get("invalid", 0) + 1
    if invalid >= MAX_TRIES:
        return _end(call, Outcome.WRONG_INPUT, fixed("too_many"), mark="无效输入")
    return _ask(call, call.step, fixed("invalid"), invalid=invalid)


# --- the main menu -------------------------------------------------------------------------------------------

def _menu(call: CallLog, digits: str) -> Turn:
    if digits == "1":
        return _ask(call, "case_number", mark="1 案件进度", invalid=0)
    if digits == "2":
        return _ask(call, "card_number", mark="2 预约", invalid=0)
    call.move_to("transfer", "0 转人工")
    return Turn(call, "transfer", [fixed("transfer")], transfer_to=operator_number())


def _after_transfer(call: CallLog, result: str) -> Turn:
    if call.step != "transfer":
        return current(call)
    if result in ("near_end_disconnect", "far_end_disconnect", "network_disconnect",
                  "maxtime_disconnect", "unknown"):
        call.finish(Outcome.TRANSFERRED)
        return Turn(call, "end")
    return _end(call, Outcome.TRANSFER_FAILED, fixed("transfer_failed"), mark=f"转接失败 {result[:20]}")


def _address(call: CallLog) -> str:
    return getattr(call, "client_address", "") or call.platform_address


# --- 1: case progress ----------------------------------------------------------------------------------------

def _case_number(call: CallLog, digits: str) -> Turn:
    return _ask(call, "password", case_number=digits, invalid=0)


def _password(call: CallLog, digits: str) -> Turn:
    from plandesk.window.query import QueryRefused, public_query

    number = call.data.get("case_number", "")
    # The per-address limit counts the real client address (the platform's), as on every other path to the query:
    # a caller number is the platform's word, and counting it let a made-up `caller` buy fresh failures.
    try:
        view = public_query(number, digits, address=_address(call), channel="phone")
    except QueryRefused as refused:
        if refused.status == 429:
            return _end(call, Outcome.LOCKED, spoken(refused.message), mark="已锁定")
        tries = call.data.get("tries", 0) + 1
        if tries >= MAX_TRIES:
            return _end(call, Outcome.WRONG_PASSWORD, fixed("wrong_case"), mark="密码错误")
        return _ask(call, "case_number", fixed("wrong_case"), mark="密码错误", tries=tries, case_number="")
    return _ask(call, "more", *progress_speech(view), mark="已播报进度", heard=Outcome.CASE_HEARD)


def _say_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def progress_speech(view: dict) -> list[Prompt]:
    """Exactly what the web query shows, read aloud: item, current step, paused or not, expected pick-up date."""
    digits = "，".join(view["case_number"])
    said = [spoken(f"案件编号{digits}。申请事项：{'、'.join(view['item_names']) or '无'}。")]
    steps = "、".join(s["name"] for s in view["current_steps"])
    status = view["status_display"] + ("，暂停计时" if view["paused"] else "")
    said.append(spoken(f"办理状态：{status}。" + (f"当前环节：{steps}。" if steps else "")))
    if view["expected_pickup_date"]:
        said.append(spoken(f"预计取件日期：{_say_date(view['expected_pickup_date'])}。"))
    owed = view.get("outstanding_materials") or []
    if owed:  # 容缺: what is still owed and by when, as the web query lists it
        said.append(spoken("尚需补交的材料：" + "；".join(
            f"{m['name']}，{'发证前' if m['due'] == 'before_issue' else _say_date(date.fromisoformat(m['due'])) + '前'}"
            "补交" for m in owed) + "。"))
    return said


def _more(call: CallLog, digits: str) -> Turn:
    if digits == "1":
        return _ask(call, "menu", mark="返回主菜单", invalid=0, tries=0, heard=call.data.get("heard", ""))
    return _end(call, call.data.get("heard") or Outcome.DONE)


# --- 2: the appointment --------------------------------------------------------------------------------------

def _lookups_exhausted(call: CallLog) -> bool:
    from plandesk.appointments.rules import rule

    since = timezone.now() - timedelta(hours=1)
    used = CallLog.objects.filter(caller=call.caller, started_at__gte=since).aggregate(n=Sum("lookups"))["n"] or 0
    return used >= rule("ATTEMPTS_PER_HOUR")


def _card_number(call: CallLog, digits: str) -> Turn:
    mobile = caller_mobile(call.caller)
    if mobile:
        found = _find(call, digits, mobile)
        if isinstance(found, Turn):
            return found
        if found is not None:
            return _heard(call, found)
    # The caller's number is not the one booked with (or was withheld): ask for the phone given at booking.
    return _ask(call, "phone", card_number=digits, invalid=0)


def _phone(call: CallLog, digits: str) -> Turn:
    found = _find(call, call.data.get("card_number", ""), digits)
    if isinstance(found, Turn):
        return found
    if found is not None:
        return _heard(call, found, proved=True)
    tries = call.data.get("tries", 0) + 1
    if tries >= MAX_TRIES:
        return _end(call, Outcome.NOT_FOUND, fixed("wrong_card"), mark="未找到预约")
    return _ask(call, "card_number", fixed("wrong_card"), mark="未找到预约", tries=tries, card_number="")


def _find(call: CallLog, card_number: str, phone: str, kind: str = "lookup"):
    from plandesk.appointments.services import BookingError, find, throttle

    if _lookups_exhausted(call):
        return _end(call, Outcome.THROTTLED, spoken("操作过于频繁，请一小时后再试。"), mark="频繁")
    try:
        # The same per-address allowance as the web's look-ups and cancels, counted on the real client address.
        throttle(_address(call), kind)
    except BookingError:
        return _end(call, Outcome.THROTTLED, spoken("操作过于频繁，请一小时后再试。"), mark="频繁")
    call.lookups += 1
    call.save(update_fields=["lookups"])
    return find(card_number, phone)


def appointment_speech(appointment) -> Prompt:
    start = timezone.localtime(appointment.slot.starts_at)
    when = f"{_say_date(start)}{start.hour}点" + (f"{start.minute}分" if start.minute else "整")
    text = f"您的预约时间为{when}，地点：{appointment.slot.place.name}。"
    if appointment.status == appointment.Status.CANCELLED:
        text += "该预约已取消。"
    elif not appointment.is_upcoming:
        text += "该预约已不能取消。"
    return spoken(text)


def _heard(call: CallLog, appointment, proved: bool = False) -> Turn:
    """`proved`: the caller typed the booking mobile in this call, as the web asks before a cancel."""
    said = appointment_speech(appointment)
    if appointment.is_upcoming:
        return _ask(call, "appointment_menu", said, mark="已播报预约", appointment=appointment.pk, invalid=0,
                    heard=Outcome.APPOINTMENT_HEARD, proved=proved, card_number=appointment.card_number)
    return _ask(call, "more", said, mark="已播报预约", heard=Outcome.APPOINTMENT_HEARD)


def _appointment_menu(call: CallLog, digits: str) -> Turn:
    if digits == "9":
        return _ask(call, "menu", mark="返回主菜单", invalid=0, tries=0, appointment=None, proved=False)
    if not call.data.get("proved"):
        return _ask(call, "cancel_phone", invalid=0)
    return _cancel(call)


def _cancel_phone(call: CallLog, digits: str) -> Turn:
    found = _find(call, call.data.get("card_number", ""), digits, kind="cancel")
    if isinstance(found, Turn):
        return found
    if found is None or found.pk != call.data.get("appointment"):
        return _end(call, Outcome.NOT_FOUND, fixed("wrong_card"), mark="取消未核实")
    call.data["proved"] = True
    return _cancel(call)


def _cancel(call: CallLog) -> Turn:
    from plandesk.appointments.models import Appointment, InvalidTransition

    appointment = Appointment.objects.select_related("slot").filter(pk=call.data.get("appointment")).first()
    if appointment is None:
        return _ask(call, "menu", fixed("busy"), invalid=0)
    try:
        appointment.cancel(ip=_address(call) or None)
    except InvalidTransition as exc:
        return _ask(call, "more", spoken(exc.message or "该预约不能取消。"), mark="取消失败", appointment=None)
    return _ask(call, "more", fixed("cancelled"), mark="1 取消预约", appointment=None, heard=Outcome.CANCELLED)


HANDLERS = {
    "menu": _menu,
    "case_number": _case_number,
    "password": _password,
    "card_number": _card_number,
    "phone": _phone,
    "appointment_menu": _appointment_menu,
    "cancel_phone": _cancel_phone,
    "more": _more,
}
