"""The workflow's actions, gathered for the apps above: `from plandesk.workflow.services import ...` keeps working.

The code lives in modules by responsibility (docs/ARCHITECTURE.md): `errors` (refusals), `definitions` (BPMN
process definitions), `runtime` (starting a process; loading, saving and syncing an instance with the task table),
`permissions` (who may see a case and work a task), `meetings` (tasks decided by a meeting), `progress` (what the
public may read of a case's steps), `tasks` (working a task), `clock` (pauses and deadlines), `sweeps` (the worker's
rounds). Each public function is one transaction: the engine JSON of the instance is read under a row lock,
changed, and written once; the task table, the case history and the audit chain change with it or not at all.
"""

from __future__ import annotations

# ruff: noqa: F401 (re-exports)
from plandesk.workflow.clock import (
    TASK_PAUSES,
    decide_extension,
    end_task_pause,
    lapse_supplements,
    on_calendar_changed,
    pause_case,
    pause_for_task,
    recompute_task_deadlines,
    request_extension,
    request_supplement,
    resume_case,
    supplement_deadline,
    withdraw_case,
)
from plandesk.workflow.definitions import (
    MEETING_DECISIONS,
    PARALLEL_PROCESS,
    PROCESS_DIR,
    WORK_DECISIONS,
    active_definition,
    check_definition,
    ensure_default_processes,
    parsed_definition,
    shipped_process_files,
    upload_definition,
)
from plandesk.workflow.errors import (
    Conflict,
    InvalidInput,
    MeetingRequired,
    NotAllowed,
    NotFound,
    WorkflowError,
)
from plandesk.workflow.meetings import (
    cases_waiting_for_meeting,
    expected_members,
    meeting_info,
    meeting_task,
)
from plandesk.workflow.permissions import (
    get_task_for,
    may_see_case,
    may_work,
    refusal_by_rules,
    visible_cases,
    workable_tasks,
)
from plandesk.workflow.progress import (
    current_steps,
    step_history,
)
from plandesk.workflow.runtime import (
    POST_CACHE_SECONDS,
    clear_post_cache,
    process_id_for,
    start_case,
)
from plandesk.workflow.sweeps import (
    cap_open_steps,
    catch_signal,
    lapse_overdue_tasks,
    refresh_case_lights,
    refresh_lights,
    run_due_timers,
)
from plandesk.workflow.tasks import (
    claim_task,
    complete_meeting_task,
    complete_task,
    save_draft,
    transfer_task,
)
