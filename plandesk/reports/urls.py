from django.urls import path

from plandesk.reports import views

URL_PREFIX = "reports/"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.drill, name="cases"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("monthly.pdf", views.monthly_pdf, name="monthly_pdf"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/", views.follow_up_step, name="follow_up_step"),
    path("rate/", views.rate, name="rate"),
    path("rate/<str:token>/", views.rate_link, name="rate_link"),
]
