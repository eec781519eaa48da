"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import PUBLIC, Rule, roles

WINDOW = ("intake_clerk", "output_clerk")
ACCESS = {
    "window:desk": roles(*WINDOW),
    "window:intake": roles("intake_clerk"),
    "window:public_query": PUBLIC,
    "window:receipt": roles("intake_clerk"),
    "window:receipt_pdf": Rule(public=True, objects="by the receipt's secret token only"),
    "window:case": roles(*WINDOW),
    "window:reprint": roles("intake_clerk"),
    "window:refuse": roles("intake_clerk"),
    "window:withdraw": roles("intake_clerk"),
    "window:refuse_application": roles("intake_clerk"),
    "window:refusal": roles(*WINDOW),
    "window:refusal_notice_pdf": roles(*WINDOW),
    "window:refusal_pdf": roles(*WINDOW),
    "window:pickup": roles("output_clerk"),
    "window:supplement_pdf": roles(*WINDOW),
    "window:record_supplements": roles("intake_clerk"),
    "window:material_file": roles(*WINDOW),
    "window:supply_material": roles(*WINDOW),
    "window:owed": roles(*WINDOW, "office_supervisor", "director"),
}
API_ACCESS = {
    "POST /api/v1/cases": roles("intake_clerk"),
    "POST /api/v1/cases/{case_number}/pickup": roles("output_clerk"),
    "POST /api/v1/cases/{case_number}/receipt": roles("intake_clerk"),
    "POST /api/v1/cases/{case_number}/supplements": roles("intake_clerk"),
    "POST /api/v1/refusals": roles("intake_clerk"),
    "GET /api/v1/refusals/{number}/pdf": roles("intake_clerk", "output_clerk"),
    "POST /api/v1/public/query": Rule(public=True, objects="case number and query password; failures limited"),
}
