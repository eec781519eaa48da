from django.urls import path

from plandesk.workdays import views

URL_PREFIX = "workdays/"

urlpatterns = [
    path("", views.calculator, name="calculator"),
]
