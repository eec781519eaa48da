from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from plandesk.operations.health import run_checks
from plandesk.operations.metrics import exposition, may_scrape


@never_cache
@require_GET
def healthz(request):
    checks = run_checks()
    ok = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503)


@never_cache
@require_GET
def metrics(request):
    # REMOTE_ADDR is the client itself, or whom a trusted proxy names (operations.middleware runs first).
    if not may_scrape(request.META.get("REMOTE_ADDR")):
        raise Http404
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
