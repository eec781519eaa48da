"""The phone line over HTTP: VoiceXML documents for the IVR platform, the same dialogue as JSON, the office's log.

The platform posts without a CSRF token (it is not a browser and holds no session), so these three endpoints alone
are exempt; the call token names the call and the server keeps its state. The entry, start, step and hook answer the
phone platform only (platform.py); the office's call log is a staff page elsewhere (/phone/calls/).
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from plandesk.audit.context import client_ip
from plandesk.phone import dialogue, vxml
from plandesk.phone.models import CallLog, Outcome
from plandesk.phone.platform import platform_only
from plandesk.phone.prompts import fixed


def _vxml(body: bytes) -> HttpResponse:
    response = HttpResponse(body, content_type=vxml.CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


def _ended(message: str = "busy") -> dialogue.Turn:
    return dialogue.Turn(CallLog(outcome=Outcome.DONE), "end", [fixed(message), fixed("goodbye")])


@platform_only
@require_GET
@never_cache
def entry(request):
    return _vxml(vxml.entry())


@csrf_exempt
@platform_only
@require_POST
@never_cache
def start(request):
    return _vxml(vxml.render(dialogue.start(request.POST.get("caller", ""), client_ip(request), "vxml")))


@csrf_exempt
@platform_only
@require_POST
@never_cache
def step(request):
    call = CallLog.objects.filter(token=(request.POST.get("call") or "")[:32]).first()
    if call is None:
        return _vxml(vxml.render(_ended()))
    if request.POST.get("step") != call.step:  # a stale or repeated document: ask again what the call waits for
        return _vxml(vxml.render(dialogue.current(call)))
    turn = dialogue.advance(call, request.POST.get("digits", ""), request.POST.get("event", ""),
                            address=client_ip(request))
    return _vxml(vxml.render(turn))


def _json_turn(turn: dialogue.Turn) -> dict:
    body = {"call": turn.call.token, "action": {"ask": "collect", "end": "hangup"}.get(turn.action, turn.action),
            "prompts": [{"text": p.text, "audio": p.audio or None} for p in turn.prompts + turn.ask_prompts]}
    if turn.action == "ask":
        grammar = turn.step.grammar
        body["step"] = turn.step.name
        body["collect"] = ({"choices": list(grammar.choices)} if grammar.choices else
                           {"min_digits": grammar.min_digits, "max_digits": grammar.max_digits, "terminator": "#"})
    elif turn.action == "transfer":
        body["step"] = "transfer"
        body["transfer"] = {"number": turn.transfer_to}
    return body


@csrf_exempt
@platform_only
@require_POST
@never_cache
def hook(request):
    """JSON webhook: {"caller"} starts a call; {"call", "digits"} or {"call", "event"} continues it."""
    try:
        payload = json.loads(request.body[:4096] or b"{}")
        if not isinstance(payload, dict):
            raise ValueError
    except (ValueError, RecursionError):  # RecursionError: deep nesting, should the input gate be bypassed
        return JsonResponse({"error": "invalid", "message": "请求内容应为 JSON 对象"}, status=400)
    token = str(payload.get("call") or "")[:32]
    if not token:
        return JsonResponse(_json_turn(dialogue.start(str(payload.get("caller") or ""), client_ip(request), "json")))
    call = CallLog.objects.filter(token=token).first()
    if call is None:
        return JsonResponse({"error": "not_found", "message": "通话不存在或已结束"}, status=404)
    turn = dialogue.advance(call, str(payload.get("digits") or ""), str(payload.get("event") or ""),
                            address=client_ip(request))
    return JsonResponse(_json_turn(turn))


@csrf_exempt
@platform_only
def other(request, rest: str):
    """No such document: the platform learns that (404), everyone else only that the line is not theirs (403)."""
    raise Http404("no such phone line document")


@login_required
def calls(request):
    """来电记录: the office's list of calls, newest first."""
    from plandesk.supervision.services import is_office

    if not is_office(request.user):
        raise PermissionDenied("办公室督办人员才能查看来电记录")
    rows = CallLog.objects.all()
    outcome = request.GET.get("outcome", "")
    if outcome in Outcome.values:
        rows = rows.filter(outcome=outcome)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "phone/calls.html", {"page": page, "outcomes": Outcome.choices, "outcome": outcome})
