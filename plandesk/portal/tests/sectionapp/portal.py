"""A stand-in app offering home-page sections, as a real app's portal.py would (used by test_sections)."""


def appointments(request):
    return {"slot": "appointments", "title": "预约洽谈（测试）", "url": "/somewhere/",
            "items": [{"title": "明天 9:00 有空位", "url": "/somewhere/1/", "meta": "咨询人员"}]}


def broken(request):
    raise RuntimeError("a section that fails must not take the home page down")


SECTIONS = [broken, appointments]
