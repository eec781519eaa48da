from django.urls import path

from plandesk.organization import views

URL_PREFIX = "organization/"

urlpatterns = [
    path("", views.chart, name="chart"),
]
