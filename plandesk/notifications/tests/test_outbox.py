import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from plandesk.notifications.models import Channel, Notification, Status
from plandesk.notifications.services import deliver_pending, notify, release_stuck


@pytest.fixture
def sms_file(settings, tmp_path):
    settings.PLANDESK_SMS_FILE = str(tmp_path / "sms.jsonl")
    return tmp_path / "sms.jsonl"


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.mark.django_db
def test_it_shows_in_app_notices_at_once(member):
    notice = notify(kind="reminder", subject="即将到期", body="案件 1 的审查即将到期", recipient=member)
    assert notice.status == Status.SENT
    assert list(Notification.objects.unread_for(member)) == [notice]


@pytest.mark.django_db
def test_it_sends_an_sms_once_from_the_outbox(member, sms_file):
    notify(kind="reminder", subject="催办", body="请尽快办理", channel=Channel.SMS, address="13800138000")
    assert deliver_pending() == 1
    assert deliver_pending() == 0
    sent = _lines(sms_file)
    assert len(sent) == 1 and sent[0]["phone"] == "13800138000" and "请尽快办理" in sent[0]["text"]
    assert Notification.objects.get().status == Status.SENT


@pytest.mark.django_db
def test_the_same_dedupe_key_never_writes_twice(member):
    assert notify(kind="urging", subject="催办", body="x", recipient=member, dedupe_key="urging:task:7")
    assert notify(kind="urging", subject="催办", body="x", recipient=member, dedupe_key="urging:task:7") is None
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_a_failing_channel_is_retried_later_then_given_up(member, sms_file, time_machine):
    time_machine.move_to(timezone.now())
    notify(kind="reminder", subject="催办", body="x", channel=Channel.SMS, recipient=member)  # member has no phone
    for _ in range(6):
        deliver_pending()
        time_machine.shift(timedelta(hours=1))
    notice = Notification.objects.get()
    assert notice.status == Status.FAILED
    assert notice.attempts == 6
    assert "手机号" in notice.last_error


@pytest.mark.django_db
def test_a_notice_stuck_in_sending_goes_back_to_the_queue(member, time_machine):
    time_machine.move_to(timezone.now())
    notice = notify(kind="reminder", subject="催办", body="x", channel=Channel.SMS, address="13800138000")
    Notification.objects.filter(pk=notice.pk).update(status=Status.SENDING)
    time_machine.shift(timedelta(minutes=11))
    assert release_stuck() == 1
    assert Notification.objects.get().status == Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_racing_workers_send_each_notice_once(sms_file):
    for i in range(20):
        notify(kind="reminder", subject="催办", body=f"n{i}", channel=Channel.SMS, address=f"1380013{i:04d}")
    counts = []

    def work():
        try:
            counts.append(deliver_pending())
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 20
    assert len(_lines(sms_file)) == 20


@pytest.mark.django_db
def test_the_inbox_lists_and_marks_read(client, member, other_member):
    notify(kind="reminder", subject="审查即将到期", body="x", recipient=member)
    notify(kind="reminder", subject="别人的消息", body="y", recipient=other_member)
    client.force_login(member)
    body = client.get("/notifications/").content.decode()
    assert "审查即将到期" in body and "别人的消息" not in body
    assert '<span class="badge">1</span>' in client.get("/workbench/").content.decode()
    client.post("/notifications/read/")
    assert not Notification.objects.unread_for(member).exists()


@pytest.mark.django_db
def test_one_cannot_mark_another_persons_notice_read(client, member, other_member):
    notice = notify(kind="reminder", subject="s", body="b", recipient=other_member)
    client.force_login(member)
    client.post(f"/notifications/{notice.pk}/read/")
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.django_db
def test_the_inbox_needs_a_signed_in_user(client):
    assert client.get("/notifications/").status_code == 302


@pytest.mark.django_db
def test_it_posts_sms_to_an_http_gateway(settings):
    import http.server

    received = []

    class Gateway(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append((self.headers["Authorization"], json.loads(self.rfile.read(length))))
            self.send_response(200 if len(received) > 1 else 503)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.PLANDESK_SMS_BACKEND = "plandesk.notifications.backends.HttpSmsBackend"
        settings.PLANDESK_SMS_URL = f"http://127.0.0.1:{server.server_port}/send"
        settings.PLANDESK_SMS_KEY = "gateway-key"
        notify(kind="reminder", subject="催办", body="请办理", channel=Channel.SMS, address="13800138000")
        deliver_pending()  # the gateway answers 503 the first time
        assert Notification.objects.get().status == Status.PENDING
        Notification.objects.update(next_attempt_at=timezone.now())
        deliver_pending()
        assert Notification.objects.get().status == Status.SENT
        assert received[-1] == ("Bearer gateway-key", {"mobile": "13800138000", "content": "催办：请办理"})
    finally:
        server.shutdown()
