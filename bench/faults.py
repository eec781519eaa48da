"""Crash and race (issue 16, item 4): load, SIGKILL, restart, then check that nothing was lost or doubled.

Runs a real site on its own database (a fresh SpatiaLite file, or a fresh database on the PostgreSQL server of
PLANDESK_DATABASE_URL / --pg): gunicorn with two workers and one `plandesk worker`. Many client threads then drive
the API at once — intake clerks registering cases (each with its idempotency key, retried with the same key after
any network error or 5xx, as a real client must), handlers completing their tasks — while a killer thread sends
SIGKILL at random moments to a gunicorn worker, to the whole gunicorn (then started again) or to the background
worker (started again). After the run every process is stopped and the invariants are checked from the database:

- every intake that was acknowledged exists exactly once, under the number the client was told;
- no half-written case: every case has its process instance, at least one task and its registration audit event;
- the engine's state and the task table agree (the engine's ready user tasks are exactly the open task rows);
- no gap or duplicate in case numbers (each year's numbers are exactly 1..counter) nor in certificate numbers;
- every acknowledged task completion holds (the task is no longer open);
- no notice delivered twice (each SMS line once; every notice marked sent was written once);
- the audit chain verifies.

    .venv/bin/python bench/faults.py                        # full run: 12 clients, 90 s, SpatiaLite
    .venv/bin/python bench/faults.py --pg postgresql://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/faults.py --clients 6 --seconds 20 --short   # what the test in make test runs

Prints one JSON object (requests, acknowledged intakes, completions, kills by kind, invariants checked and their
results); exits 1 if an invariant fails. `--check FILE` is the internal second half (run with the site's settings).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SITE = {"type": "Polygon", "coordinates": [[[114.285, 30.595], [114.288, 30.595], [114.288, 30.597],
                                            [114.285, 30.597], [114.285, 30.595]]]}

SEED = """
import io, json
from plandesk.accounts import demo as accounts_demo
from plandesk.accounts.models import ApiToken, User
from plandesk.catalog import demo as catalog_demo
from plandesk.organization import demo as organization_demo
from plandesk.window.identity import uscc_check_char
from plandesk.workflow import services as workflow
out = io.StringIO()
accounts_demo.load(out); organization_demo.load(out); catalog_demo.load(out); workflow.ensure_default_processes()
from plandesk.notifications.services import notify
for i in range(NOTICES):  # the worker sends these while it is being killed: none may go out twice
    notify(kind="faults", subject="故障测试", body=f"第 {i} 条", channel="sms", address=f"1390000{i:04d}",
           dedupe_key=f"faults-{i}")
uscc = "91420100MA4K12345"
names = ["intake", "handler1", "handler2", "head1", "director", "output"]
print(json.dumps({"uscc": uscc + uscc_check_char(uscc),
                  "tokens": {n: ApiToken.issue(User.objects.get(username=n))[1] for n in names}}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    """The site's processes: gunicorn (two workers) and one background worker, each startable and killable."""

    def __init__(self, env: dict, port: int, log: Path):
        self.env, self.port, self.log = env, port, log
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None

    def _spawn(self, argv: list[str]) -> subprocess.Popen:
        with self.log.open("ab") as out:
            return subprocess.Popen(argv, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True)

    def start_web(self) -> None:
        self.web = self._spawn([str(BIN / "gunicorn"), "plandesk.wsgi:application", "--workers", "2",
                                "--bind", f"127.0.0.1:{self.port}", "--timeout", "60", "--graceful-timeout", "5"])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/items", timeout=5).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not come up; see " + str(self.log))

    def start_worker(self) -> None:
        self.worker = self._spawn([str(BIN / "plandesk"), "worker", "--interval", "0.5"])

    def web_children(self) -> list[int]:
        """gunicorn's worker processes (children of the master)."""
        if self.web is None:
            return []
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == self.web.pid:
                children.append(int(stat.parent.name))
        return children

    @staticmethod
    def _kill_group(process: subprocess.Popen | None, sig=signal.SIGKILL) -> None:
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def kill_web(self) -> None:
        self._kill_group(self.web)
        self.web = None

    def kill_worker(self) -> None:
        self._kill_group(self.worker)
        self.worker = None

    def stop(self) -> None:
        self._kill_group(self.worker, signal.SIGTERM)
        self._kill_group(self.web, signal.SIGTERM)


class Load:
    """The client threads and what the site acknowledged to them."""

    def __init__(self, base: str, tokens: dict, uscc: str, rng: random.Random):
        self.base, self.tokens, self.uscc, self.rng = base, tokens, uscc, rng
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.acked: dict[str, str] = {}  # idempotency key -> case number told to the client
        self.completed: list[int] = []  # task ids whose completion was acknowledged
        self.requests = 0
        self.retries = 0
        self.meetings = 0  # meeting decisions acknowledged
        self.unexpected: list[str] = []

    def call(self, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, object]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,  # noqa: S310 (127.0.0.1 only)
                                         headers={"Authorization": f"Bearer {token}",
                                                  "Content-Type": "application/json"})
        with self.lock:
            self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except (http.client.HTTPException, json.JSONDecodeError) as exc:
            # The process was killed while answering (IncompleteRead, a cut body): as good as no answer.
            raise ConnectionError(f"answer cut short: {exc!r}") from exc
        except urllib.error.HTTPError as exc:
            payload = exc.read()
            try:
                return exc.code, json.loads(payload or b"null")
            except ValueError:
                return exc.code, payload[:200].decode(errors="replace")

    def guarded(self, loop, arg) -> None:
        """A client loop whose crash is reported (a dead client would quietly lower the load)."""
        try:
            loop(arg)
        except Exception as exc:
            with self.lock:
                self.unexpected.append(f"client {loop.__name__}({arg}) crashed: {exc!r}")

    def intake(self, client: int) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            key = f"faults-{client}-{n}"
            body = {"items": ["land_use_permit"],
                    "applicant": {"name": f"故障测试公司{client}", "credit_code": self.uscc, "id_number": None,
                                  "contact": "王经理", "phone": f"139{client:04d}{n % 10000:04d}"},
                    "project": {"name": f"故障测试项目{client}-{n}", "address": "江滨路 1 号", "site": SITE},
                    "forms": {"land_use_permit": {"land_supply": "transfer", "land_area_m2": 12000,
                                                  "land_use_class": "R", "floor_area_ratio": 2.5}},
                    "materials": [{"code": c, "provided": True} for c in
                                  ("application_form", "applicant_identity", "topographic_map")],
                    "idempotency_key": key}
            # The same key until the site answers: after a kill the answer may have been lost, not the case.
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    status, payload = self.call("POST", "/api/v1/cases", self.tokens["intake"], body)
                except OSError:
                    status, payload = 0, None
                if status in (200, 201):
                    with self.lock:
                        self.acked[key] = payload["case_number"]
                    break
                if status and status < 500:
                    with self.lock:
                        self.unexpected.append(f"intake {key}: {status} {str(payload)[:200]}")
                    break
                with self.lock:
                    self.retries += 1
                time.sleep(0.2 + self.rng.random() * 0.3)

    def handle(self, name: str) -> None:
        token = self.tokens[name]
        while not self.stop.is_set():
            try:
                status, tasks = self.call("GET", "/api/v1/tasks", token)
            except OSError:
                time.sleep(0.3)
                continue
            if status != 200 or not tasks:
                time.sleep(0.3)
                continue
            # Mostly the soonest due (the list's order), so that cases go all the way to their certificates.
            task = tasks[0] if self.rng.random() < 0.7 else self.rng.choice(tasks)
            body = {"decision": "approve", "opinion": "同意（故障测试）", "version": task["version"]}
            if task.get("form_schema"):
                body["form"] = _fill(task["form_schema"])
            try:
                status, _payload = self.call("POST", f"/api/v1/tasks/{task['id']}/complete", token, body)
            except OSError:
                continue  # lost answer: the completion may or may not hold, and is not counted
            if status == 409 and isinstance(_payload, dict) and _payload.get("error") == "meeting_required":
                self.hold_meeting(name, token, task, _payload)
                continue
            with self.lock:
                if status == 200:
                    self.completed.append(task["id"])
                elif status != 409 and len(self.unexpected) < 50:  # 409: another handler was first
                    self.unexpected.append(f"complete {task['id']} as {name}: {status} {str(_payload)[:300]}")

    def hold_meeting(self, name: str, token: str, task: dict, required: dict) -> None:
        """The chair holds the meeting the task waits for (everyone expected present) and decides the case there."""
        body = {"kind": required["meeting_kind"], "division": required.get("division"),
                "held_at": time.strftime("%Y-%m-%dT%H:%M:%S+08:00", time.gmtime(time.time() + 8 * 3600)),
                "attendees": required.get("expected_members") or [], "case_numbers": [task["case_number"]]}
        try:
            status, created = self.call("POST", "/api/v1/meetings", token, body)
            if status != 201:
                return  # not the chair, or the case is already on a meeting's agenda: another pass decides it
            status, answer = self.call("POST", f"/api/v1/meetings/{created['id']}/decisions", token,
                                       {"case_number": task["case_number"], "decision": "approve",
                                        "opinion": "会议同意（故障测试）"})
        except OSError:
            return  # lost answer: the meeting (and its decision) may or may not hold
        with self.lock:
            if status == 200:
                self.meetings += 1
                self.completed.append(task["id"])
            elif status != 409 and len(self.unexpected) < 50:
                self.unexpected.append(f"decide {task['case_number']} as {name}: {status} {str(answer)[:300]}")


def _fill(schema: dict) -> dict:
    """A form satisfying a task's JSON Schema well enough: each required property with a plain value."""
    form = {}
    for name in schema.get("required", []):
        spec = schema.get("properties", {}).get(name, {})
        if "enum" in spec:
            form[name] = spec["enum"][0]
        elif spec.get("type") in ("number", "integer"):
            form[name] = max(1, spec.get("minimum", 1))
        elif spec.get("type") == "boolean":
            form[name] = True
        elif spec.get("type") == "array":
            form[name] = []
        elif spec.get("type") == "object":
            form[name] = _fill(spec)
        else:
            form[name] = "同意"
    return form


def _database(url: str | None, folder: Path) -> tuple[str, callable]:
    """A fresh database for the run and a function that drops it."""
    if not url or not url.startswith("postgres"):
        return f"spatialite:///{folder / 'faults.sqlite3'}", lambda: None
    import psycopg

    name = f"plandesk_faults_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _sep, _old = url.rpartition("/")

    def drop():
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", drop


def run(clients: int = 12, seconds: float = 90, pg: str | None = None, seed: int = 16, short: bool = False,
        notices: int = 2000) -> dict:
    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="plandesk-faults-"))
    url, drop = _database(pg, folder)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plandesk.settings", "PLANDESK_DATA_DIR": str(folder),
           "PLANDESK_DATABASE_URL": url, "PLANDESK_WORKER_INTERVAL": "1", "PYTHONUNBUFFERED": "1"}
    env.pop("PLANDESK_ENV", None)
    site = Site(env, _free_port(), folder / "site.log")
    try:
        subprocess.run([str(BIN / "plandesk"), "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
        seeded = subprocess.run([str(BIN / "plandesk"), "shell", "-c", f"NOTICES = {notices}\n{SEED}"], env=env,
                                cwd=ROOT, check=True, capture_output=True, text=True)
        setup = json.loads(seeded.stdout.strip().splitlines()[-1])
        site.start_web()
        site.start_worker()
        load = Load(f"http://127.0.0.1:{site.port}", setup["tokens"], setup["uscc"], rng)
        handlers = ["handler1", "handler2", "head1", "director"]
        threads = [threading.Thread(target=load.guarded, args=(load.intake, i), daemon=True)
                   for i in range(max(1, clients // 2))]
        threads += [threading.Thread(target=load.guarded, args=(load.handle, handlers[i % len(handlers)]), daemon=True)
                    for i in range(max(1, clients - len(threads)))]
        for thread in threads:
            thread.start()
        kills = {"web_worker": 0, "web": 0, "worker": 0}
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            time.sleep(rng.uniform(0.5, 2.0) if short else rng.uniform(1.0, 5.0))
            kind = rng.choice(list(kills))
            if kind == "web_worker":
                children = site.web_children()
                if not children:
                    continue
                with contextlib.suppress(ProcessLookupError):  # the gunicorn master starts another
                    os.kill(rng.choice(children), signal.SIGKILL)
            elif kind == "web":
                site.kill_web()
                time.sleep(rng.uniform(0, 1))
                site.start_web()
            else:
                site.kill_worker()
                site.start_worker()
            kills[kind] += 1
        load.stop.set()
        for thread in threads:
            thread.join(timeout=150)
        time.sleep(3)  # the worker delivers what the last intakes queued
        site.stop()
        facts = folder / "acknowledged.json"
        facts.write_text(json.dumps({"acked": load.acked, "completed": load.completed}))
        checked = subprocess.run([sys.executable, __file__, "--check", str(facts)], env=env, cwd=ROOT,
                                 capture_output=True, text=True)
        if checked.returncode not in (0, 1) or not checked.stdout.strip():
            raise RuntimeError(checked.stderr[-3000:])
        invariants = json.loads(checked.stdout.strip().splitlines()[-1])
        return {"backend": "postgis" if url.startswith("postgres") else "spatialite", "clients": len(threads),
                "seconds": seconds, "requests": load.requests, "retries": load.retries,
                "intakes_acknowledged": len(load.acked), "completions_acknowledged": len(load.completed),
                "meeting_decisions_acknowledged": load.meetings,
                "kills": kills, "kills_total": sum(kills.values()), "unexpected_answers": load.unexpected[:20],
                **invariants}
    finally:
        site.stop()
        drop()
        shutil.rmtree(folder, ignore_errors=True)


# --- the invariants, checked in a process of their own with the site's settings --------------------------------------

def check(facts_file: str) -> dict:
    import django

    django.setup()
    from collections import Counter

    from django.conf import settings

    from plandesk.audit.models import Event
    from plandesk.audit.services import verify_chain
    from plandesk.cases.models import Case
    from plandesk.core.models import Counter as NumberCounter
    from plandesk.notifications.models import Notification, Status
    from plandesk.workflow import engine
    from plandesk.workflow import runtime as workflow
    from plandesk.workflow.models import ProcessInstance, Task, TaskState

    facts = json.loads(Path(facts_file).read_text())
    problems: list[str] = []
    checked: Counter = Counter()

    for key, number in facts["acked"].items():
        found = list(Case.objects.filter(idempotency_key=key).values_list("number", flat=True))
        checked["acknowledged intake exists once"] += 1
        if found != [number]:
            problems.append(f"intake {key}: told {number}, database has {found}")
    registered = set(Event.objects.filter(action="case.registered").values_list("object_id", flat=True))
    for case in Case.objects.all():
        checked["case whole (process, task, audit)"] += 1
        instance = ProcessInstance.objects.filter(case=case).first()
        if instance is None or not Task.objects.filter(case=case).exists() or str(case.pk) not in registered:
            problems.append(f"case {case.number} half-written: process={instance is not None}, "
                            f"tasks={Task.objects.filter(case=case).count()}, audit={str(case.pk) in registered}")
    for instance in ProcessInstance.objects.all():
        checked["engine state = task table"] += 1
        ready = {str(t.id) for t in engine.ready_user_tasks(workflow._load(instance))}
        open_rows = set(Task.objects.filter(instance=instance, state=TaskState.OPEN).values_list("spiff_id", flat=True))
        if ready != open_rows:
            problems.append(f"instance {instance.pk}: engine ready {sorted(ready)} ≠ open rows {sorted(open_rows)}")
    for counter in NumberCounter.objects.filter(scope__startswith="cases.number:"):
        checked["case numbers gap-free (years)"] += 1
        year = counter.scope.rsplit(":", 1)[1]
        numbers = sorted(Case.objects.filter(number__startswith=year).values_list("number", flat=True))
        expected = [f"{year}{i:06d}" for i in range(1, counter.last + 1)]
        if numbers != expected:
            missing = sorted(set(expected) - set(numbers))[:10]
            problems.append(f"case numbers {year}: {len(numbers)} cases, counter {counter.last}, "
                            f"missing {missing}")
    try:
        from plandesk.certificates.models import Certificate

        certificate_numbers = list(Certificate.objects.exclude(number="").values_list("number", flat=True))
        checked["certificate numbers unique"] += 1
        checked["certificates issued"] += len(certificate_numbers)
        if len(certificate_numbers) != len(set(certificate_numbers)):
            problems.append("duplicate certificate numbers")
        for counter in NumberCounter.objects.filter(scope__startswith="certificates.number:"):
            checked["certificate numbers gap-free (type, office, year)"] += 1
            type_id, office_id, year = counter.scope.split(":")[1:]
            used = sorted(Certificate.objects.filter(type_id=type_id, office_id=office_id,
                                                     year=year).exclude(number="")
                          .values_list("sequence", flat=True))
            if used != list(range(1, counter.last + 1)):
                problems.append(f"certificate numbers {counter}: sequences {used[:10]}…, counter {counter.last}")
    except (ImportError, AttributeError):
        pass
    for task_id in facts["completed"]:
        checked["acknowledged completion holds"] += 1
        if Task.objects.filter(pk=task_id, state=TaskState.OPEN).exists():
            problems.append(f"task {task_id}: completion acknowledged, task still open")
    sms_file = Path(settings.PLANDESK_SMS_FILE)
    lines = sms_file.read_text(encoding="utf-8").splitlines() if sms_file.exists() else []
    texts = Counter((json.loads(line)["phone"], json.loads(line)["text"]) for line in lines)
    checked["SMS lines"] += len(lines)
    doubled = [text for text, count in texts.items() if count > 1]
    if doubled:
        problems.append(f"{len(doubled)} SMS delivered more than once, e.g. {doubled[0]}")
    sent = Notification.objects.filter(channel="sms", status=Status.SENT).count()
    checked["notices sent = SMS lines"] += 1
    if sent > len(texts):
        problems.append(f"{sent} SMS notices marked sent, {len(texts)} written")
    report = verify_chain()
    checked["audit events verified"] += report.checked
    if not report.whole:
        problems.append(f"audit chain broken at event {report.broken_event_id}: {report.reason}")
    notices = dict(Counter(Notification.objects.values_list("channel", "status")).items())
    return {"invariants_checked": dict(checked), "cases": Case.objects.count(),
            "notices": {f"{channel}/{status}": n for (channel, status), n in notices.items()}, "problems": problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--pg", default=None, help="PostgreSQL server URL (default: PLANDESK_DATABASE_URL if postgres)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--short", action="store_true", help="kill more often (for a short run in the tests)")
    parser.add_argument("--check", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.check:
        result = check(args.check)
        print(json.dumps(result, ensure_ascii=False))
        return 1 if result["problems"] else 0
    pg = args.pg or (os.environ.get("PLANDESK_DATABASE_URL") or "")
    result = run(args.clients, args.seconds, pg if pg.startswith("postgres") else None, args.seed, args.short)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 1 if result["problems"] or result["unexpected_answers"] else 0


if __name__ == "__main__":
    sys.exit(main())
