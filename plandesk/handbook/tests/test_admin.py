"""The administrator keeps the handbook and the library in the admin (in Chinese); every change is audited."""

from plandesk.audit.models import Event
from plandesk.handbook.models import Regulation
from plandesk.portal.search import search_all


def test_it_opens_the_admin_pages_in_chinese(client, administrator, handbook, regulation):
    client.force_login(administrator)
    for url in ("/admin/handbook/regulation/", "/admin/handbook/regulation/add/", "/admin/handbook/article/",
                f"/admin/handbook/article/{handbook['article'].pk}/change/", "/admin/handbook/chapter/",
                "/admin/portal/notice/", "/admin/portal/notice/add/"):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get("/admin/handbook/regulation/").content.decode()
    assert "法规库" in page and "效力状态" in page and "已修订（现行）" in page


def test_it_reindexes_and_audits_a_change_made_in_the_admin(client, administrator, regulation):
    client.force_login(administrator)
    url = f"/admin/handbook/regulation/{regulation.pk}/change/"
    data = {
        "code": regulation.code, "title": regulation.title, "short_title": regulation.short_title,
        "kind": regulation.kind, "issuing_body": regulation.issuing_body,
        "document_number": regulation.document_number, "is_public": "on",
        "promulgated_on": "2007-10-28", "effective_on": "2008-01-01", "amended_on": "2019-04-23",
        "repealed_on": "", "replaced_by": "", "summary": "新增：乡村建设规划许可证的申请条件。", "key_articles": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Regulation.objects.get(pk=regulation.pk).summary.startswith("新增")
    assert [h.title for h in search_all("申请条件", None)] == ["中华人民共和国城乡规划法"]
    assert Event.objects.filter(action="admin.change", object_type="handbook.regulation").exists()


def test_it_keeps_the_admin_from_people_who_are_not_administrators(client, member, regulation):
    client.force_login(member)
    response = client.get("/admin/handbook/regulation/")
    assert response.status_code in (302, 403)
