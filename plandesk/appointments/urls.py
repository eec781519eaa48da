from django.urls import path

from plandesk.appointments import views

URL_PREFIX = "appointments/"

urlpatterns = [
    path("", views.home, name="home"),
    path("book/<int:slot_id>/", views.book, name="book"),
    path("find/", views.find, name="find"),
    path("card/<str:card_number>/", views.card, name="card"),
    path("card/<str:card_number>/pdf/", views.card_pdf_view, name="card_pdf"),
    path("card/<str:card_number>/cancel/", views.cancel, name="cancel"),
    path("card/<str:card_number>/move/", views.move, name="move"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/<str:card_number>/check-in/", views.check_in, name="check_in"),
    path("schedule/<str:card_number>/complete/", views.complete, name="complete"),
    path("schedule/<str:card_number>/no-show/", views.no_show, name="no_show"),
]
