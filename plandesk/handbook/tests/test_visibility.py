"""Staff read the whole handbook; the public (and a signed-in person without a role) only the public parts."""

from plandesk.handbook.models import Regulation


def test_it_hides_internal_chapters_from_the_public(client, handbook):
    index = client.get("/handbook/").content.decode()
    assert "依法行政" in index
    assert "内部值班安排" not in index and "行政事务" not in index
    assert client.get(handbook["secret"].get_absolute_url()).status_code == 404
    assert client.get("/handbook/chapters/3/").status_code == 404


def test_it_hides_internal_parts_from_a_signed_in_person_without_a_role(client, handbook, outsider):
    client.force_login(outsider)
    assert "内部值班安排" not in client.get("/handbook/").content.decode()
    assert client.get(handbook["secret"].get_absolute_url()).status_code == 404


def test_it_shows_staff_the_whole_handbook(client, handbook, member):
    client.force_login(member)
    index = client.get("/handbook/").content.decode()
    assert "内部值班安排" in index and "依法行政" in index
    page = client.get(handbook["secret"].get_absolute_url())
    assert page.status_code == 200 and "节假日值班表" in page.content.decode()


def test_it_hides_an_internal_article_inside_a_public_section(client, handbook):
    article = handbook["article"]
    article.is_public = False
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_it_hides_unpublished_regulations_from_the_public(client, regulation, member):
    Regulation.objects.filter(pk=regulation.pk).update(is_public=False)
    assert client.get(regulation.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(regulation.get_absolute_url()).status_code == 200
