from django.urls import path

from plandesk.window import views

URL_PREFIX = "window/"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("intake/", views.intake, name="intake"),
    path("intake/refuse/", views.refuse_application, name="refuse_application"),
    path("refusals/<int:pk>/", views.refusal, name="refusal"),
    path("refusals/<int:pk>/refusal.pdf", views.refusal_notice_pdf, name="refusal_notice_pdf"),
    path("query/", views.public_query_page, name="public_query"),
    path("receipts/<str:token>/", views.receipt, name="receipt"),
    path("receipts/<str:token>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("owed/", views.owed, name="owed"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/reprint/", views.reprint, name="reprint"),
    path("cases/<str:number>/refuse/", views.refuse, name="refuse"),
    path("cases/<str:number>/withdraw/", views.withdraw, name="withdraw"),
    path("cases/<str:number>/refusal.pdf", views.refusal_pdf, name="refusal_pdf"),
    path("cases/<str:number>/pickup/", views.pickup, name="pickup"),
    path("cases/<str:number>/supplements/<int:pk>.pdf", views.supplement_pdf, name="supplement_pdf"),
    path("cases/<str:number>/supplements/<int:pk>/", views.record_supplements, name="record_supplements"),
    path("cases/<str:number>/materials/<slug:code>/supply/", views.supply_material, name="supply_material"),
    path("cases/<str:number>/files/<int:pk>/", views.material_file, name="material_file"),
]
