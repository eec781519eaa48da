"""The regulations library: status from dates, filters, citations by code and by title."""

from datetime import date

from django.template import Context, Template

from plandesk.handbook.models import Regulation, RegulationKind, RegulationStatus


def test_it_derives_the_status_from_the_dates(regulation):
    assert regulation.status(date(2007, 12, 31)) == RegulationStatus.NOT_YET
    assert regulation.status(date(2010, 1, 1)) == RegulationStatus.IN_FORCE
    assert regulation.status(date(2020, 1, 1)) == RegulationStatus.AMENDED
    regulation.repealed_on = date(2030, 1, 1)
    assert regulation.status(date(2030, 1, 1)) == RegulationStatus.REPEALED


def test_it_filters_by_status_in_the_database(regulation):
    old = Regulation.objects.create(code="city-planning-law-1989", title="中华人民共和国城市规划法",
                                    kind=RegulationKind.LAW, issuing_body="全国人大常委会",
                                    effective_on=date(1990, 4, 1),
                                    repealed_on=date(2008, 1, 1), replaced_by=regulation, summary="已废止。")
    on = date(2026, 1, 1)
    assert list(Regulation.objects.with_status(RegulationStatus.REPEALED, on)) == [old]
    assert list(Regulation.objects.with_status(RegulationStatus.AMENDED, on)) == [regulation]
    assert list(Regulation.objects.in_force(on)) == [regulation]


def test_it_lists_and_shows_regulations(client, regulation):
    listing = client.get("/handbook/regulations/", {"status": "amended"}).content.decode()
    assert "中华人民共和国城乡规划法" in listing and "已修订" in listing
    detail = client.get("/handbook/regulations/urban-rural-planning-law/").content.decode()
    assert "主席令第七十四号" in detail and "全国人民代表大会常务委员会" in detail


def test_it_resolves_citations_by_code_and_by_title(regulation):
    assert Regulation.objects.cited(["nope", "urban-rural-planning-law"]) == [regulation]
    template = Template(
        "{% load handbook %}{{ basis|cite_regulations }} {% regulation_link 'urban-rural-planning-law' %}"
    )
    html = template.render(Context({"basis": "《城乡规划法》第三十八条、《不存在法》<b>"}))
    assert '<a href="/handbook/regulations/urban-rural-planning-law/">《城乡规划法》</a>' in html
    assert "《不存在法》&lt;b&gt;" in html


def test_it_lists_the_catalogue_items_that_cite_a_regulation(client, regulation):
    from plandesk.catalog.models import Category, Item, ItemVersion

    item = Item.objects.create(code="land_use_permit")
    version = ItemVersion.objects.create(
        item=item, number=1, is_current=True, name="建设用地规划许可证核发", category=Category.LICENCE,
        legal_basis="《中华人民共和国城乡规划法》第三十七条", statutory_days=20, promised_days=15,
        process_id="plandesk_two_meetings")
    Item.objects.filter(pk=item.pk).update(current=version)
    page = client.get(regulation.get_absolute_url()).content.decode()
    assert "以本法规为依据的审批事项" in page
    assert 'href="/guide/land_use_permit/"' in page and "建设用地规划许可证核发" in page


def test_it_points_the_handbook_to_the_catalogues_procedures(client, db):
    from plandesk.catalog.definitions import ITEMS
    from plandesk.catalog.demo import install

    item = install(ITEMS[0])
    page = client.get("/handbook/").content.decode()
    assert "各审批事项的办理程序" in page
    assert f'href="/guide/{item.code}/"' in page
