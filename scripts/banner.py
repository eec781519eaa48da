"""Printed by `make run` before the server starts: where to go and who to be."""

import os

password = os.environ.get("PLANDESK_DEMO_PASSWORD", "Demo-2026!")
accounts = [
    ("admin", "系统管理员 administrator"), ("intake", "接件窗口 intake clerk"), ("output", "出件窗口 output clerk"),
    ("consultant", "咨询人员 consultant"), ("handler1", "审批一处经办人 handler, Division 1"),
    ("head1", "审批一处处长 head of Division 1"), ("handler2", "审批二处经办人 handler, Division 2"),
    ("head2", "审批二处处长 head of Division 2"), ("director", "局长 director"),
    ("office", "办公室督办 office supervisor"), ("gis", "信息中心 GIS keeper"),
]
print("\nplandesk — http://127.0.0.1:8000/")
print(f"演示账号 demo accounts (password 密码: {password}):")
for name, role in accounts:
    print(f"  {name:<11} {role}")
print("运行状态 health: http://127.0.0.1:8000/healthz   指标 metrics (local only): http://127.0.0.1:8000/metrics")
print()
