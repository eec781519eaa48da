from django.urls import path

from plandesk.meetings import views

URL_PREFIX = "meetings/"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_id>/remove/", views.agenda_remove, name="agenda_remove"),
    path("<int:pk>/agenda/<int:item_id>/<str:direction>/", views.agenda_move, name="agenda_move"),
    path("<int:pk>/items/<int:item_id>/decide/", views.decide, name="decide"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/corrections/", views.correct, name="correct"),
    path("<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes"),
]
