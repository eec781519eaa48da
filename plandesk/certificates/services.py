"""The certificates' actions, gathered for the views, the API and the apps that call them: `from
plandesk.certificates.services import ...` keeps working.

The code lives in modules by responsibility (docs/ARCHITECTURE.md): `types` (certificate types and issuing
offices), `errors` (refusals), `content` (a certificate's content from its case), `rules` (who may prepare,
check, void; the preparer is never the checker), `drafting` (preparing and the second person's check),
`issuing` (numbering, signing, issuing, void and reissue), `register` (the issuance register), `verification`
(what the public's check of a number shows). One transaction per public function.
"""

from __future__ import annotations

from plandesk.certificates.content import (
    content_for,
    planned_types,
    rights,
)
from plandesk.certificates.drafting import (
    EDITABLE,
    CheckRequired,
    check,
    check_at_step,
    checkers,
    completion_check,
    edit,
    open_check_task,
    prepare,
    preview,
    require_check,
)
from plandesk.certificates.errors import (
    CertificateError,
)
from plandesk.certificates.issuing import (
    issue,
    issue_for_case,
    next_number,
    on_case_ready,
    payload_of,
    reissue,
    void,
)
from plandesk.certificates.register import (
    hand_over,
    on_result_picked_up,
)
from plandesk.certificates.rules import (
    SAME_PERSON,
    is_output_clerk,
    is_preparer,
    may_check,
    may_prepare,
    may_see,
    may_void,
    open_prepare_task,
    work_rule,
)

# ruff: noqa: F401 (re-exports)
from plandesk.certificates.types import (
    APPROVAL_LETTER,
    CHECK_STEPS,
    DEFAULT_TYPES,
    LICENCE_NOTES,
    OLD_FORMATS,
    PAYLOAD_VERSION,
    PREPARE_STEPS,
    REFUSAL_DECISION,
    ensure_types,
    office_for,
    type_for,
)
from plandesk.certificates.verification import (
    Verification,
    certificate_numbers,
    find_issued,
    verify,
    verify_url,
)
