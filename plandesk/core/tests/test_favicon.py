"""The favicon: every page names one in its <head>, and it is a file the static files serve (no 404 per page)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/"])
def test_it_links_a_favicon_that_exists_on_every_page(client, url):
    html = client.get(url, follow=True).content.decode()
    links = re.findall(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert links == [static("core/favicon.svg")]
    found = finders.find("core/favicon.svg")
    assert found and Path(found).read_text(encoding="utf-8").startswith("<svg")
