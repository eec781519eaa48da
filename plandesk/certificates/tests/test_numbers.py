"""Numbers: the office's area code, the year and a sequence per type, office and year, with no gaps and no
duplicates, also when many certificates are issued at once."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from plandesk.certificates import services
from plandesk.certificates.models import Certificate, CertificateType, IssuingOffice, Status
from plandesk.certificates.tests.conftest import file_case


def drafts(case, code: str, n: int) -> list[Certificate]:
    cert_type = services.type_for(code)
    office = services.office_for(case)
    return [Certificate.objects.create(case=case, type=cert_type, office=office, content={"holder": f"单位{i}",
                                                                                         "project": "项目"})
            for i in range(n)]


@pytest.mark.django_db(transaction=True)
def test_it_gives_50_concurrent_issues_50_distinct_consecutive_numbers(bureau):
    case = file_case(bureau)
    certs = drafts(case, "construction_permit", 50)
    barrier = threading.Barrier(len(certs))
    errors: list = []

    def run(cert: Certificate) -> None:
        try:
            barrier.wait()
            services.issue(cert)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in certs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    rows = Certificate.objects.filter(pk__in=[c.pk for c in certs])
    assert all(c.status == Status.ISSUED for c in rows)
    year = rows[0].year
    assert sorted(rows.values_list("sequence", flat=True)) == list(range(1, 51))
    assert sorted(rows.values_list("number", flat=True)) == [f"建字第420100{year}{i:05d}号" for i in range(1, 51)]


def test_it_counts_per_type_office_and_year_and_gives_a_rolled_back_number_back(bureau):
    case = file_case(bureau)
    [a1, a2] = drafts(case, "construction_permit", 2)
    [b1] = drafts(case, "land_use_permit", 1)
    branch = IssuingOffice.objects.create(unit=bureau_unit("branch_east"), authority="东区分局", area_code="420102")
    c1 = Certificate.objects.create(case=case, type=a1.type, office=branch, content={"holder": "x", "project": "y"})
    with time_machine.travel("2026-12-31 10:00:00+08:00", tick=False):
        assert services.issue(a1).number == "建字第420100202600001号"
        with pytest.raises(RuntimeError), transaction.atomic():
            services.issue(a2)
            raise RuntimeError("the issuing transaction fails after numbering")
        a2.refresh_from_db()
        assert a2.number is None and a2.status == Status.DRAFT
        assert services.issue(b1).number == "地字第420100202600001号"
        assert services.issue(c1).number == "建字第420102202600001号"
    with time_machine.travel("2027-01-04 10:00:00+08:00", tick=False):
        assert services.issue(a2).number == "建字第420100202700001号"


def bureau_unit(code: str):
    from plandesk.organization.models import Unit

    return Unit.objects.get(code=code)


def test_it_lets_administrators_configure_formats_but_only_with_area_year_and_sequence(bureau):
    cert_type = services.type_for("construction_permit")
    cert_type.number_format = "建字第{year}{seq:04d}号"
    with pytest.raises(ValidationError, match="area"):
        cert_type.full_clean()
    cert_type.number_format = "{area}-{year}-{seq:06d}/x"
    with pytest.raises(ValidationError):
        cert_type.full_clean()
    cert_type.number_format = "建规〔{year}〕{area}第{seq:04d}号"
    cert_type.full_clean()
    cert_type.save()
    assert CertificateType.objects.get(pk=cert_type.pk).format_number("420100", date(2026, 1, 1).year, 7) == \
        "建规〔2026〕420100第0007号"


def test_it_takes_the_branch_office_as_issuer_when_it_issues_in_its_own_name(bureau):
    case = file_case(bureau)
    assert services.office_for(case).authority == "市城乡规划局"
    IssuingOffice.objects.create(unit=case.handling_office, authority="一处专用", area_code="420199")
    assert services.office_for(case).area_code == "420199"
