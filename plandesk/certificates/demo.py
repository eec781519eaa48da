"""`plandesk demo`: the certificate types with their number formats, and the bureau as the default issuing office."""

from plandesk.certificates.models import CertificateType


def load(out) -> None:
    from django.conf import settings

    from plandesk.certificates.models import IssuingOffice
    from plandesk.certificates.services import ensure_types

    ensure_types()
    IssuingOffice.objects.get_or_create(unit=None, defaults={
        "authority": settings.PLANDESK_BUREAU_NAME, "area_code": getattr(settings, "PLANDESK_AREA_CODE", "420100")})
    out.write(f"certificates: {CertificateType.objects.count()} certificate types\n")
