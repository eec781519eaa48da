from django.urls import path

from plandesk.accounts import views

URL_PREFIX = "accounts/"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
]
