from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "plandesk.certificates"
    verbose_name = "证照"

    def ready(self) -> None:
        from plandesk.certificates import receivers  # noqa: F401 (connects the signals)
