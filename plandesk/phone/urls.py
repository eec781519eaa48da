from django.urls import path

from plandesk.phone import views

URL_PREFIX = "ivr/"

urlpatterns = [
    path("", views.entry, name="entry"),
    path("start/", views.start, name="start"),
    path("step/", views.step, name="step"),
    path("hook/", views.hook, name="hook"),
    path("calls/", views.calls, name="calls"),
]
