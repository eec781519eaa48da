from django.urls import path

from plandesk.cases import views

URL_PREFIX = "cases/"

urlpatterns = [
    path("<str:number>/compliance/run/", views.rerun_compliance, name="compliance_run"),
    path("<str:number>/compliance/<int:check_number>.pdf", views.compliance_pdf, name="compliance_pdf"),
]
