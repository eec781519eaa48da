from django.urls import path

from plandesk.core import admin_otp, views

URL_PREFIX = ""

urlpatterns = [
    path("workbench/", views.home, name="home"),
    path("workbench/second-factor/", admin_otp.otp, name="otp"),
]
