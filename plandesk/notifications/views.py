from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from plandesk.notifications.models import Channel, Notification
from plandesk.notifications.services import mark_read


@login_required
def inbox(request):
    notices = Notification.objects.filter(recipient=request.user, channel=Channel.IN_APP)
    page = Paginator(notices, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@require_POST
@login_required
def read(request, pk: int | None = None):
    mark_read(request.user, pk)
    if request.headers.get("HX-Request"):
        return render(request, "notifications/_read.html")
    return redirect("notifications:inbox")
