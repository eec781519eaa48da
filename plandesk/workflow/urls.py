from django.urls import path

from plandesk.workflow import clock_views, map_overlays, views

URL_PREFIX = "work/"

urlpatterns = [
    path("", views.todo, name="todo"),
    path("done/", views.done, name="done"),
    path("cases/sites.geojson", map_overlays.case_sites_geojson, name="case_sites"),
    path("cases/<str:number>/", views.workspace, name="case"),
    path("cases/<str:number>/process.bpmn", views.diagram, name="diagram"),
    path("cases/<str:number>/compliance/run/", views.rerun_compliance, name="compliance_run"),
    path("cases/<str:number>/compliance/<int:check_number>.pdf", views.compliance_pdf, name="compliance_pdf"),
    path("tasks/<int:task_id>/claim/", views.claim, name="claim"),
    path("tasks/<int:task_id>/complete/", views.complete, name="complete"),
    path("tasks/<int:task_id>/transfer/", views.transfer, name="transfer"),
    path("tasks/<int:task_id>/supplement/", views.supplement, name="supplement"),
    path("tasks/<int:task_id>/pause/", clock_views.pause, name="clock_pause"),
    path("tasks/<int:task_id>/resume/", clock_views.resume, name="clock_resume"),
    path("tasks/<int:task_id>/extension/", clock_views.request_extension, name="extension_request"),
    path("cases/<str:number>/extension/", clock_views.decide_extension, name="extension_decision"),
    path("cases/<str:number>/extension.pdf", clock_views.extension_letter, name="extension_letter"),
]
