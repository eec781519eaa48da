from django.urls import path

from plandesk.core import views

URL_PREFIX = ""

urlpatterns = [
    path("workbench/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
