"""Demo accounts (shared/API.md): one person for every part, all with PLANDESK_DEMO_PASSWORD."""

from django.conf import settings

from plandesk.accounts.models import Role, User

DEMO_ACCOUNTS = [
    # username, full name, roles
    ("admin", "系统管理员", (Role.ADMINISTRATOR,)),
    ("intake", "接件窗口 王敏", (Role.INTAKE_CLERK,)),
    ("output", "出件窗口 李静", (Role.OUTPUT_CLERK,)),
    ("consultant", "咨询人员 赵磊", (Role.CONSULTANT,)),
    ("handler1", "审批一处 陈晨", (Role.HANDLER,)),
    ("head1", "审批一处处长 刘洋", (Role.DIVISION_HEAD,)),
    ("handler2", "审批二处 周涛", (Role.HANDLER,)),
    ("head2", "审批二处处长 吴芳", (Role.DIVISION_HEAD,)),
    ("director", "局长 郑国强", (Role.DIRECTOR,)),
    ("office", "办公室督办 孙丽", (Role.OFFICE_SUPERVISOR,)),
    ("gis", "信息中心 马骏", (Role.GIS_KEEPER,)),
]


def load(out) -> None:
    for username, full_name, roles in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
        if created:
            user.set_password(settings.PLANDESK_DEMO_PASSWORD)
        user.full_name = full_name
        user.is_staff = Role.ADMINISTRATOR in roles
        user.is_superuser = Role.ADMINISTRATOR in roles
        user.save()
        user.add_roles(*roles)
