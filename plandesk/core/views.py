from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from plandesk.core.home import home_panels


@login_required
def home(request):
    return render(request, "core/home.html", {"panels": home_panels(request.user)})


def healthz(request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")

