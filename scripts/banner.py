"""Printed by `make run` before the server starts: where to go and who to be."""

import os

from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
# The public address is the setting printed on receipts and cards (PLANDESK_SITE_URL), so the two never disagree.
site = settings.PLANDESK_SITE_URL.rstrip("/")

password = os.environ.get("PLANDESK_DEMO_PASSWORD", "Demo-2026!")
accounts = [
    ("admin", "系统管理员 administrator"), ("intake", "接件窗口 intake clerk"), ("output", "出件窗口 output clerk"),
    ("consultant", "咨询人员 consultant"), ("handler1", "审批一处经办人 handler, Division 1"),
    ("head1", "审批一处处长 head of Division 1"), ("handler2", "审批二处经办人 handler, Division 2"),
    ("head2", "审批二处处长 head of Division 2"), ("director", "局长 director"),
    ("office", "办公室督办 office supervisor"), ("gis", "信息中心 GIS keeper"),
    ("handler3", "审批三处经办人 design review of parallel cases"), ("head3", "审批三处处长 head of Division 3"),
    ("municipal1", "市政处会审 co-reviewer"), ("survey1", "测绘管理处会审 co-reviewer"),
]
print(f"\nplandesk — {site}/")
print(f"演示账号 demo accounts (password 密码: {password}):")
for name, role in accounts:
    print(f"  {name:<11} {role}")
print(f"运行状态 health: {site}/healthz   指标 metrics (local only): {site}/metrics")
print()
