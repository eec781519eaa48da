from django.urls import path

from plandesk.phone import views

# The phone line lives under /ivr/ and answers the platform only (API.md "Phone line": everything else there is 403),
# so the office's call log, a staff page, has its own path.
URL_PREFIX = ""

urlpatterns = [
    path("ivr/", views.entry, name="entry"),
    path("ivr/start/", views.start, name="start"),
    path("ivr/step/", views.step, name="step"),
    path("ivr/hook/", views.hook, name="hook"),
    path("ivr/<path:rest>", views.other, name="other"),  # anything else under /ivr/: 403 unless the platform asks
    path("phone/calls/", views.calls, name="calls"),
]
