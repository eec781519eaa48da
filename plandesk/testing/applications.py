"""A valid application at the intake window: as the API takes it (`application`) and as the page posts it
(`intake_form`), with identifiers that pass their check digits and a site inside Division 1's half of the centre."""

from __future__ import annotations

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from plandesk.window.identity import id_check_char, uscc_check_char

USCC = "91420100MA4K" + "12345"
USCC = USCC + uscc_check_char(USCC)
ID_NUMBER = "42010619850312123"
ID_NUMBER = ID_NUMBER + id_check_char(ID_NUMBER)
# A square inside Division 1's half of the centre (x < 114.30).
SITE = {"type": "Polygon", "coordinates": [[[114.285, 30.595], [114.288, 30.595], [114.288, 30.597],
                                            [114.285, 30.597], [114.285, 30.595]]]}
LAND_USE_FORM = {"land_supply": "transfer", "land_area_m2": 12000, "land_use_class": "R", "floor_area_ratio": 2.5}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32 + b"\x00\x00\x00\x00IEND\xaeB`\x82"  # header + end chunk


def application(**changes) -> dict:
    """The intake API's body for a land-use permit; `changes` replace whole top-level keys."""
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
    data.update(changes)
    return data


def intake_form(**changes) -> dict:
    """The intake page's POST for the same application, with its uploads; `changes` replace fields."""
    data = {
        "items": "land_use_permit", "form_token": "tok-1",
        "applicant_name": "江城置业有限公司", "credit_code": USCC, "id_number": "", "contact": "王经理",
        "phone": "13912345678", "project_name": "江滨花园", "project_address": "江滨路 1 号",
        "site_geojson": json.dumps(SITE),
        "f.land_use_permit.land_supply": "transfer", "f.land_use_permit.land_area_m2": "12000",
        "f.land_use_permit.land_use_class": "R", "f.land_use_permit.floor_area_ratio": "2.5",
        "m.application_form": "1", "m.topographic_map": "1",
        "mf.applicant_identity": SimpleUploadedFile("licence.png", PNG, content_type="image/png"),
        "mf.application_form": SimpleUploadedFile("form.pdf", PDF, content_type="application/pdf"),
    }
    data.update(changes)
    return data
