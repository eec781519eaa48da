from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "plandesk.certificates"
    verbose_name = "证照"
