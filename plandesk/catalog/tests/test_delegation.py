import pytest

from plandesk.catalog.models import DelegationRule
from plandesk.catalog.services import NoHandlingOffice, handling_office_for
from plandesk.catalog.tests.conftest import lonlat_box, lonlat_point

pytestmark = pytest.mark.django_db


def test_it_routes_a_point_in_the_west_half_to_division_one(routed_items, geography):
    assert handling_office_for([routed_items["permit"]], lonlat_point(114.29, 30.60)) == geography["div1"]


def test_it_routes_an_area_in_the_east_half_to_division_two(routed_items, geography):
    site = lonlat_box(114.31, 30.59, 114.315, 30.595)
    assert handling_office_for([routed_items["permit"]], site) == geography["div2"]


def test_it_routes_by_item_code_too(routed_items, geography):
    assert handling_office_for(["permit"], lonlat_point(114.35, 30.60)) == geography["branch_east"]


def test_it_gives_a_site_straddling_two_jurisdictions_to_the_larger_share(routed_items, geography):
    # 70 % west of 114.30, 30 % east.
    site = lonlat_box(114.293, 30.60, 114.303, 30.601)
    assert handling_office_for([routed_items["permit"]], site) == geography["div1"]
    site = lonlat_box(114.297, 30.60, 114.307, 30.601)
    assert handling_office_for([routed_items["permit"]], site) == geography["div2"]


def test_it_breaks_an_even_split_by_priority(routed_items, geography):
    site = lonlat_box(114.335, 30.60, 114.345, 30.601)  # half in div2 (priority 10), half in the branch (20)
    assert handling_office_for([routed_items["permit"]], site) == geography["div2"]
    DelegationRule.objects.filter(unit=geography["branch_east"]).update(priority=1)
    assert handling_office_for([routed_items["permit"]], site) == geography["branch_east"]


def test_it_refuses_a_site_outside_every_jurisdiction_in_chinese(routed_items):
    with pytest.raises(NoHandlingOffice) as caught:
        handling_office_for([routed_items["permit"]], lonlat_box(114.50, 30.60, 114.51, 30.61))
    assert "不在" in caught.value.message and "辖区" in caught.value.message


def test_it_refuses_a_rural_permit_in_the_city_centre(routed_items, geography):
    assert handling_office_for([routed_items["rural"]], lonlat_point(114.23, 30.60)) == geography["town_qiao"]
    with pytest.raises(NoHandlingOffice):
        handling_office_for([routed_items["rural"]], lonlat_point(114.30, 30.60))


def test_it_uses_the_parent_jurisdiction_for_a_unit_without_its_own(routed_items, geography):
    assert handling_office_for([routed_items["pipes"]], lonlat_point(114.27, 30.57)) == geography["div3"]


def test_it_accepts_a_site_in_longitude_latitude(routed_items, geography):
    from django.contrib.gis.geos import Point

    assert handling_office_for([routed_items["permit"]], Point(114.29, 30.60, srid=4326)) == geography["div1"]


def test_it_refuses_unknown_item_codes_and_no_items(routed_items):
    with pytest.raises(NoHandlingOffice, match="未知的审批事项"):
        handling_office_for(["nope"], lonlat_point(114.29, 30.60))
    with pytest.raises(NoHandlingOffice, match="未选择"):
        handling_office_for([], lonlat_point(114.29, 30.60))
