"""Who sees which layer: public for all, staff for the bureau, restricted for the posts granted it."""

import pytest

from plandesk.accounts.models import Role
from plandesk.conftest import make_user
from plandesk.gis.models import Layer
from plandesk.organization.models import Post, PostMembership, Unit

pytestmark = pytest.mark.django_db


def codes(user) -> set[str]:
    return set(Layer.objects.visible_to(user).values_list("code", flat=True))


def test_it_shows_the_public_only_public_layers(layers, outsider):
    assert codes(None) == {"parcels", "roads"}
    assert codes(outsider) == {"parcels", "roads"}  # signed in but no role and no post: still the public


def test_it_shows_staff_layers_to_the_bureau_but_not_restricted_ones(layers, member):
    assert codes(member) == {"parcels", "roads", "buildings", "topo"}


def test_it_shows_restricted_layers_to_posts_granted_them(layers, member, other_member):
    unit = Unit.objects.create(code="municipal", name="市政处", kind=Unit.Kind.CO_REVIEW)
    post = Post.objects.create(code="municipal.co_reviewer", name="市政会审", unit=unit, function="co_reviewer")
    PostMembership.objects.create(post=post, user=member)
    layers["pipelines"].granted_posts.add(post)
    assert "pipelines" in codes(member)
    assert "pipelines" not in codes(other_member)
    assert layers["pipelines"].is_visible_to(member) and not layers["pipelines"].is_visible_to(other_member)


def test_it_shows_every_layer_to_the_gis_keeper(layers):
    keeper = make_user("keeper", Role.GIS_KEEPER)
    assert codes(keeper) == set(layers)


def test_it_hides_inactive_layers(layers):
    Layer.objects.filter(code="roads").update(is_active=False)
    assert "roads" not in codes(None)


def test_administrators_grant_layers_in_the_admin(client, layers, administrator, member):
    client.force_login(administrator)
    assert client.get("/admin/geo/layer/").status_code == 200
    assert client.get(f"/admin/geo/layer/{layers['pipelines'].pk}/change/").status_code == 200
    client.force_login(member)
    assert client.get("/admin/geo/layer/").status_code in (302, 403)
