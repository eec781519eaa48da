"""The portal's pages: home with every section, search results, notices, the case query's front door."""

from django.test import override_settings
from django.urls import reverse

from plandesk.portal.models import Notice
from plandesk.portal.sections import case_query_url


def test_it_serves_the_home_page_at_the_root(client, library):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    headings = ("报建须知", "案件查询", "规划公示", "规划一张图", "预约洽谈", "政策法规", "新闻公告",
                "办事地址与联系电话")
    for heading in headings:
        assert heading in page, heading
    assert "关于调整办公时间的通知" in page and "草稿" not in page
    assert "中华人民共和国行政许可法" in page
    assert "027-8000 1235" in page  # the case query telephone
    assert reverse("portal:home") == "/"


def test_it_posts_the_case_query_to_the_public_query(client, db):
    url = case_query_url()
    assert f'action="{url}"' in client.get("/").content.decode()
    response = client.post(url, {"case_number": "2026000001", "password": "12345678"})
    assert response.status_code in (200, 404)  # the window's query answers an unknown case with 404
    assert "查询" in response.content.decode()
    # The portal's own front door links to the real query once it exists.
    if url != reverse("portal:case_query"):
        assert url in client.get("/query/").content.decode()


@override_settings(ROOT_URLCONF="plandesk.portal.tests.urls_without_query")
def test_it_says_coming_soon_while_there_is_no_public_query(client, db):
    assert case_query_url() == "/query/"
    assert 'action="/query/"' in client.get("/").content.decode()
    response = client.post("/query/", {"case_number": "2026000001", "password": "12345678"})
    assert response.status_code == 200
    assert "即将开放" in response.content.decode() and "027-8000 1235" in response.content.decode()


def test_it_rejects_a_cross_site_post_to_the_case_query(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/query/", {"case_number": "1", "password": "2"})
    assert response.status_code == 403


def test_it_shows_ranked_highlighted_results(client, library):
    page = client.get("/search/", {"q": "许可"}).content.decode()
    assert page.index("中华人民共和国行政许可法") < page.index("关于调整办公时间的通知")
    assert "<mark>许可</mark>" in page
    assert "找到 2 条结果" in page


def test_it_escapes_what_a_visitor_typed(client, library):
    page = client.get("/search/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page


def test_it_explains_an_empty_result_and_an_overlong_query(client, library):
    page = client.get("/search/", {"q": "桥梁"}).content.decode()
    assert "没有找到相关内容" in page
    assert "搜索词过长" in client.get("/search/", {"q": "规" * 150}).content.decode()


def test_it_shows_published_notices_only(client, library):
    assert client.get(library["notice"].get_absolute_url()).status_code == 200
    assert client.get(library["draft"].get_absolute_url()).status_code == 404
    listing = client.get("/notices/").content.decode()
    assert "关于调整办公时间的通知" in listing and "草稿" not in listing
    assert Notice.objects.count() == 2


def test_it_speaks_english_when_asked(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Case query" in page and "Search guides, regulations, the handbook and notices" in page
    assert "Administrative handbook" in client.get("/handbook/").content.decode()
