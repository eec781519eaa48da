"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import PUBLIC, roles

ISSUERS = ("output_clerk", "handler", "division_head", "director", "office_supervisor")
OWN_CASE = "certificates of cases the person handles or hands over; 403/404 for the others"
ACCESS = {
    "certificates:register": roles("administrator", "output_clerk", "division_head", "director", "office_supervisor"),
    "certificates:verify_form": PUBLIC,
    "certificates:verify_file": PUBLIC,
    "certificates:verify": PUBLIC,
    "certificates:public_key": PUBLIC,
    "certificates:public_key_pem": PUBLIC,
    # 告知承诺核查登记: the handling offices (their own cases' checks), the director and the office.
    **{f"certificates:{name}": roles("handler", "division_head", "director", "office_supervisor",
                                     objects="commitment checks of the cases the person's office handles")
       for name in ("commitments", "commitment_outcome", "revocation_pdf")},
    **{f"certificates:{name}": roles(*ISSUERS, objects=OWN_CASE)
       for name in ("case", "prepare", "edit", "check", "void", "reissue", "hand_over", "pdf")},
}
API_ACCESS = {
    "GET /api/v1/certificates/public-key": PUBLIC,
    "GET /api/v1/certificates/{number}/verify": PUBLIC,
    "GET /api/v1/certificates/{number}": roles(*ISSUERS, objects=OWN_CASE),
    "GET /api/v1/certificates/{number}/pdf": roles(*ISSUERS, objects=OWN_CASE),
    "POST /api/v1/certificates/{number}/void": roles(*ISSUERS, objects=OWN_CASE),
    "POST /api/v1/certificates/{number}/reissue": roles(*ISSUERS, objects=OWN_CASE),
    "GET /api/v1/cases/{case_number}/certificates": roles(*ISSUERS, objects=OWN_CASE),
    "POST /api/v1/cases/{case_number}/certificates/prepare": roles(*ISSUERS, objects=OWN_CASE),
    "POST /api/v1/certificates/drafts/{cert_id}/check": roles(*ISSUERS, objects=OWN_CASE),
}
