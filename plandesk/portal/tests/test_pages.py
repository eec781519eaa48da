"""The portal's pages: home with every section, search results, notices, the case query's front door."""

from django.urls import reverse

from plandesk.portal.models import Notice


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


def test_it_posts_the_case_query_to_a_page_that_exists(client, db):
    page = client.get("/").content.decode()
    assert 'action="/query/"' in page or "public" in page
    response = client.post("/query/", {"case_number": "2026000001", "password": "12345678"})
    assert response.status_code == 200
    assert "即将开放" in response.content.decode()


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
