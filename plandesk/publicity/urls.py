from django.urls import path

from plandesk.publicity import views

URL_PREFIX = "publicity/"

urlpatterns = [
    path("", views.public_list, name="list"),
    path("map/", views.public_map, name="map"),
    path("track/", views.track, name="track"),
    path("opinions/<str:code>/", views.receipt, name="receipt"),
    path("<int:pk>/", views.public_detail, name="detail"),
    path("<int:pk>/opinion/", views.submit, name="submit"),
    path("<int:pk>/documents/<int:doc_id>/", views.document, name="document"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_new, name="staff_new"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/<int:pk>/notice/", views.staff_notice, name="staff_notice"),
    path("staff/<int:pk>/documents/", views.staff_document, name="staff_document"),
    path("staff/<int:pk>/groups/", views.staff_group, name="staff_group_add"),
    path("staff/<int:pk>/groups/<int:group_id>/", views.staff_group, name="staff_group"),
    path("staff/<int:pk>/<slug:action>/", views.staff_transition, name="staff_transition"),
    path("staff/opinions/<int:opinion_id>/moderate/", views.staff_moderate, name="staff_moderate"),
    path("staff/opinions/<int:opinion_id>/classify/", views.staff_classify, name="staff_classify"),
    path("staff/opinions/<int:opinion_id>/attachment/", views.staff_attachment, name="staff_attachment"),
]
