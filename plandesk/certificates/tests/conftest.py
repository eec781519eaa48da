"""The demo bureau (window's fixture) and cases driven through the workflow services to the certificate step."""

from __future__ import annotations

import itertools

import pytest

from plandesk.testing.applications import ID_NUMBER, application  # noqa: F401
from plandesk.testing.driving import open_task, to_bureau_decision
from plandesk.testing.fixtures import bureau, fast_hasher, window_files  # noqa: F401 (fixtures)
from plandesk.window import services as window
from plandesk.workflow import services as workflow

_keys = itertools.count(1)


@pytest.fixture(autouse=True)
def signing_key(settings, tmp_path_factory):
    """One key per test session, in a temporary folder (never the data folder)."""
    settings.PLANDESK_CERTIFICATE_KEY = str(tmp_path_factory.getbasetemp() / "certificates" / "ed25519.pem")
    settings.PLANDESK_SITE_URL = "http://testserver"
    return settings.PLANDESK_CERTIFICATE_KEY


def file_case(b, **changes):
    changes.setdefault("idempotency_key", f"cert-{next(_keys)}")
    return window.intake(application(**changes), actor=b["intake"]).case


def for_items(*codes: str) -> dict:
    """Application changes for other items: the catalogue's example form and every material provided."""
    from plandesk.catalog.models import Item

    forms, materials = {}, []
    for code in codes:
        version = Item.objects.get(code=code).current
        forms[code] = version.form_schema["examples"][0]
        materials += [{"code": m.code, "provided": True} for m in version.materials.all()]
    return {"items": list(codes), "forms": forms, "materials": materials}


# Review, division meeting, director, bureau meeting: the case then waits at its certificate step.
decide_at_bureau_meeting = to_bureau_decision


def to_certificate_step(b, decision="approve", **changes):
    return decide_at_bureau_meeting(b, file_case(b, **changes), decision)


def prepare_and_check(b, case, preparer="handler1", checker="head1"):
    """The certificate step's handler drafts the documents, a second person checks them."""
    from plandesk.certificates import services

    return [services.check(draft, b[checker], note="核对无误") for draft in services.prepare(case, b[preparer])]


def finish_step(b, case, *, preparer="handler1", checker="head1"):
    """The handler completes the certificate step, the division head the 证件校核 step after it: what nobody
    prepared by hand is drafted for the handler and checked by the head, and the case becomes ready for pick-up."""
    from plandesk.certificates import services

    workflow.complete_task(open_task(case).pk, b[preparer], decision="approve", opinion="制证完毕")
    check = open_task(case)
    assert check.step_id in services.CHECK_STEPS and check.name == "证件校核"
    workflow.complete_task(check.pk, b[checker], decision="approve", opinion="核对无误")
    case.refresh_from_db()
    return case
