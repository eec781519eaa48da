import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_lists_the_item_procedures_once_and_only_in_the_body(client):
    call_command("demo")
    page = client.get("/handbook/").content.decode()
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<" not in title
    head = page[: page.index("</head>")]
    assert "procedures-title" not in head
    assert page.count('id="procedures-title"') == 1
