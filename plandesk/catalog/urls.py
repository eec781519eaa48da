from django.urls import path

from plandesk.catalog import views

URL_PREFIX = "guide/"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.item, name="item"),
    path("<slug:code>/form.pdf", views.form_pdf, name="form_pdf"),
    path("<slug:code>/form.schema.json", views.form_schema, name="form_schema"),
]
