from django.urls import path

from plandesk.portal import views

URL_PREFIX = ""

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("query/", views.case_query, name="case_query"),
]
