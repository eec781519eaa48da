"""The demo bureau (people, units, posts, the 11 items, the shipped processes) and a valid application."""

from __future__ import annotations

import io

import pytest

from plandesk.window.identity import id_check_char, uscc_check_char

USCC = "91420100MA4K" + "12345"
USCC = USCC + uscc_check_char(USCC)
ID_NUMBER = "42010619850312123"
ID_NUMBER = ID_NUMBER + id_check_char(ID_NUMBER)
# A square inside Division 1's half of the centre (x < 114.30).
SITE = {"type": "Polygon", "coordinates": [[[114.285, 30.595], [114.288, 30.595], [114.288, 30.597],
                                            [114.285, 30.597], [114.285, 30.595]]]}
LAND_USE_FORM = {"land_supply": "transfer", "land_area_m2": 12000, "land_use_class": "R", "floor_area_ratio": 2.5}


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def window_files(settings, tmp_path):
    settings.PLANDESK_WINDOW_FILES = tmp_path / "window-files"
    return settings.PLANDESK_WINDOW_FILES


@pytest.fixture
def bureau(db):
    """Load the demo accounts, organization and catalogue, and the shipped processes; return the users by name."""
    from plandesk.accounts import demo as accounts_demo
    from plandesk.accounts.models import User
    from plandesk.catalog import demo as catalog_demo
    from plandesk.organization import demo as organization_demo
    from plandesk.workflow import services as workflow

    out = io.StringIO()
    accounts_demo.load(out)
    organization_demo.load(out)
    catalog_demo.load(out)
    workflow.ensure_default_processes()
    return {u.username: u for u in User.objects.all()}


def application(**changes) -> dict:
    data = {
        "items": ["land_use_permit"],
        "applicant": {"name": "江城置业有限公司", "credit_code": USCC, "id_number": None, "contact": "王经理",
                      "phone": "13912345678"},
        "project": {"name": "江滨花园", "address": "江滨路 1 号", "site": SITE},
        "forms": {"land_use_permit": dict(LAND_USE_FORM)},
        "materials": [{"code": c, "provided": True} for c in
                      ("application_form", "applicant_identity", "topographic_map")],
        "idempotency_key": "key-1",
    }
    for key, value in changes.items():
        data[key] = value
    return data
