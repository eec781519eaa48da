"""Certificates: cost of signing and verifying a payload, of rendering a signed PDF (with QR and the embedded
signed document), of checking a PDF file, and of issuing N certificates from N threads at once (numbers locked
in the transaction). Prints medians in milliseconds (wall and CPU) and the concurrent run's wall time.

Run on your own database (the demo loaded):
  PLANDESK_DATABASE_URL=spatialite:////tmp/certs_demo.sqlite3 PLANDESK_DATA_DIR=/tmp/certs_demo_data \
    .venv/bin/python bench/certificates.py   [BENCH_N=50]
"""

from __future__ import annotations

import os
import statistics
import threading
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
django.setup()

from django.db import connection  # noqa: E402

from plandesk.accounts.models import User  # noqa: E402
from plandesk.certificates import pdf, services, signing  # noqa: E402
from plandesk.certificates.models import Certificate, Status  # noqa: E402
from plandesk.certificates.tests import conftest as helpers  # noqa: E402


def timed(fn, repeat: int) -> str:
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return f"median {statistics.median(wall):.2f} ms wall, {statistics.median(cpu):.2f} ms CPU"


def main() -> None:
    n = int(os.environ.get("BENCH_N", "50"))
    people = {u.username: u for u in User.objects.all()}
    case = helpers.finish_step(people, helpers.to_certificate_step(people, idempotency_key=f"bench-{time.time()}"))
    cert = case.certificates.filter(status=Status.ISSUED).first()
    print(f"sign payload:        {timed(lambda: signing.sign(cert.payload), 200)}")
    print(f"verify payload:      {timed(lambda: signing.verify(cert.payload, cert.signature), 200)}")
    print(f"render signed PDF:   {timed(lambda: pdf.render(cert), 20)}")
    data = pdf.render(cert)
    print(f"check PDF file:      {timed(lambda: pdf.check_file(data), 20)}  ({len(data)} bytes)")
    print(f"verify by number:    {timed(lambda: services.verify(cert.number), 50)}")

    office = services.office_for(case)
    cert_type = services.type_for("construction_permit")
    drafts = [Certificate.objects.create(case=case, type=cert_type, office=office,
                                         content={"holder": "基准", "project": "基准"}) for _ in range(n)]
    barrier = threading.Barrier(n)
    errors = []

    def run(c):
        try:
            barrier.wait()
            services.issue(c)
        except Exception as exc:  # counted and printed
            errors.append(exc)
        finally:
            connection.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=run, args=(c,)) for c in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    numbers = list(Certificate.objects.filter(pk__in=[c.pk for c in drafts]).values_list("sequence", flat=True))
    print(f"{n} concurrent issues: {seconds:.2f} s, errors {len(errors)}, distinct {len(set(numbers))}, "
          f"consecutive {sorted(numbers) == list(range(min(numbers), min(numbers) + n))}")


if __name__ == "__main__":
    main()
