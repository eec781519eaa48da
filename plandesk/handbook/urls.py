from django.urls import path

from plandesk.handbook import views

URL_PREFIX = "handbook/"

urlpatterns = [
    path("", views.index, name="index"),
    path("chapters/<int:number>/", views.chapter, name="chapter"),
    path("articles/<int:pk>/", views.article, name="article"),
    path("regulations/", views.regulations, name="regulations"),
    path("regulations/<slug:code>/", views.regulation, name="regulation"),
]
