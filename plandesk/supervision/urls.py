from django.urls import path

from plandesk.supervision import views

URL_PREFIX = "supervision/"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("tasks/<int:task_id>/phone/", views.phone, name="phone"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:notice_id>/", views.notice, name="notice"),
    path("notices/<int:notice_id>/issue/", views.issue, name="issue"),
    path("notices/<int:notice_id>/feedback/", views.feedback, name="feedback"),
    path("notices/<int:notice_id>/notice.pdf", views.pdf, name="pdf"),
    path("assessment/", views.assessment_page, name="assessment"),
    path("assessment.xlsx", views.assessment_xlsx, name="assessment_xlsx"),
]
