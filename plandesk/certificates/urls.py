from django.urls import path

from plandesk.certificates import views

URL_PREFIX = "certificates/"

urlpatterns = [
    path("", views.register, name="register"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/file/", views.verify_file, name="verify_file"),
    path("verify/<str:number>/", views.verify, name="verify"),
    path("commitments/", views.commitments_register, name="commitments"),
    path("commitments/<int:pk>/outcome/", views.commitment_outcome, name="commitment_outcome"),
    path("commitments/<int:pk>/revocation.pdf", views.revocation_pdf, name="revocation_pdf"),
    path("public-key/", views.public_key, name="public_key"),
    path("public-key.pem", views.public_key_pem, name="public_key_pem"),
    path("cases/<str:number>/", views.case_page, name="case"),
    path("cases/<str:number>/prepare/", views.prepare, name="prepare"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/check/", views.check, name="check"),
    path("<int:pk>/void/", views.void, name="void"),
    path("<int:pk>/reissue/", views.reissue, name="reissue"),
    path("<int:pk>/hand-over/", views.hand_over, name="hand_over"),
    path("<int:pk>/certificate.pdf", views.certificate_pdf, name="pdf"),
]
