from django.urls import path

from plandesk.notifications import views

URL_PREFIX = "notifications/"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.read, name="read_all"),
    path("<int:pk>/read/", views.read, name="read"),
]
