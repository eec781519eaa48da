from django.urls import path

from plandesk.operations import views

URL_PREFIX = ""

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.metrics, name="metrics"),
]
