import io

import pytest

from plandesk.catalog import codes
from plandesk.catalog.definitions import ITEMS
from plandesk.catalog.demo import load
from plandesk.catalog.models import Category, DelegationRule, Item, ItemVersion, Requirement
from plandesk.catalog.schemas import INDICATORS, form_errors, schema_errors
from plandesk.catalog.services import handling_office_for
from plandesk.catalog.tests.conftest import lonlat_point

pytestmark = pytest.mark.django_db


def test_it_defines_two_licences_and_nine_other_items():
    assert [d.code for d in ITEMS] == list(codes.ALL_ITEMS)
    assert sum(d.category == Category.LICENCE for d in ITEMS) == 2
    assert sum(d.category == Category.NON_LICENCE for d in ITEMS) == 9


@pytest.mark.parametrize("definition", ITEMS, ids=lambda d: d.code)
def test_every_form_schema_is_valid_and_titled_in_chinese(definition):
    assert schema_errors(definition.form) == []
    assert form_errors(definition.form, definition.form["examples"][0]) == {}
    assert definition.promised_days <= definition.statutory_days
    assert any(m.requirement != Requirement.REQUIRED for m in definition.materials)
    for name, prop in definition.form["properties"].items():
        if name in INDICATORS:
            assert prop["title"].startswith(INDICATORS[name][0])


def test_it_loads_the_demo_catalogue_twice_without_duplicates(geography):
    load(io.StringIO())
    load(io.StringIO())
    assert Item.objects.count() == 11
    assert ItemVersion.objects.count() == 11
    site = Item.objects.get(code=codes.SITE_SELECTION).current
    scheme = Item.objects.get(code=codes.DESIGN_SCHEME_REVIEW).current
    assert site.parallel_group == scheme.parallel_group is not None
    assert DelegationRule.objects.filter(item__code=codes.RURAL_PERMIT, unit__code="town_qiao").exists()


def test_the_demo_routes_items_as_the_contract_says(geography):
    load(io.StringIO())
    west, east = lonlat_point(114.29, 30.60), lonlat_point(114.31, 30.60)
    assert handling_office_for([codes.CONSTRUCTION_PERMIT], west).code == "div1"
    assert handling_office_for([codes.SITE_SELECTION, codes.DESIGN_SCHEME_REVIEW], east).code == "div2"
    assert handling_office_for([codes.CONSTRUCTION_PERMIT], lonlat_point(114.36, 30.60)).code == "branch_east"
    assert handling_office_for([codes.RURAL_PERMIT], lonlat_point(114.22, 30.60)).code == "town_qiao"
    assert handling_office_for([codes.PIPELINE_APPROVAL], west).code == "div1"
    assert handling_office_for([codes.PIPELINE_APPROVAL], lonlat_point(114.27, 30.57)).code == "div3"
    assert handling_office_for([codes.SETTING_OUT_CHECK], lonlat_point(114.33, 30.63)).code == "div3"
    assert handling_office_for([codes.SETTING_OUT_CHECK], lonlat_point(114.37, 30.63)).code == "branch_east"


def test_with_the_demo_bureau_every_item_in_the_central_square_goes_to_division_one_or_two(db):
    """shared/API.md: items sited in 114.28–114.32°E × 30.58–30.62°N are handled by the demo accounts."""
    from plandesk.accounts.demo import load as load_accounts
    from plandesk.catalog.tests.conftest import lonlat_box
    from plandesk.organization.demo import load as load_organization

    for loader in (load_accounts, load_organization, load):
        loader(io.StringIO())
    sites = {
        "div1": [lonlat_point(114.281, 30.581), lonlat_box(114.285, 30.60, 114.295, 30.61)],
        "div2": [lonlat_point(114.319, 30.619), lonlat_box(114.305, 30.59, 114.315, 30.60)],
    }
    for code in codes.ALL_ITEMS:
        for expected, geometries in sites.items():
            for site in geometries:
                assert handling_office_for([code], site).code == expected, code


def test_a_complete_construction_permit_form_passes_and_a_bad_one_is_named_in_chinese(geography):
    load(io.StringIO())
    schema = Item.objects.get(code=codes.CONSTRUCTION_PERMIT).current.form_schema
    form = {
        "land_use_permit_no": "地字第420100202600012号", "land_area_m2": 12000, "total_floor_area_m2": 30000,
        "floor_area_ratio": 2.5, "building_density_pct": 28, "height_m": 54, "green_ratio_pct": 35,
        "land_use_class": "R",
    }
    assert form_errors(schema, form) == {}
    errors = form_errors(schema, {**form, "green_ratio_pct": 130, "land_use_class": "X", "height_m": "高"})
    assert set(errors) == {"green_ratio_pct", "land_use_class", "height_m"}
    assert "绿地率" in errors["green_ratio_pct"]
    assert form_errors(schema, {**form, "colour": "红"}) == {"colour": "“colour”不是本申请表的栏目"}
    assert form_errors(schema, [1]) == {"form": "“申请表”须为对象"}
    missing = {k: v for k, v in form.items() if k != "floor_area_ratio"}
    assert "容积率" in form_errors(schema, missing)["floor_area_ratio"]
