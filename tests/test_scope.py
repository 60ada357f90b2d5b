"""A shop scope decides which shops' rows a read may see."""

import pytest
from sqlalchemy import select

from plugin.scope import ShopScope
from plugin.storage.models import Incident


def test_one_shop_covers_only_that_shop():
    scope = ShopScope.only(3)
    assert scope.covers(3)
    assert not scope.covers(4)


def test_every_shop_covers_any_shop():
    assert ShopScope.every().covers(3)


@pytest.mark.parametrize("wrong", [None, "3", True])
def test_a_scope_for_one_shop_needs_a_real_shop_id(wrong):
    with pytest.raises(TypeError, match="needs a shop id"):
        ShopScope.only(wrong)


def test_narrowing_outside_the_scope_covers_nothing():
    narrowed = ShopScope.only(3).narrowed_to(4)
    assert not narrowed.covers(3)
    assert not narrowed.covers(4)
    assert ShopScope.every().narrowed_to(4) == ShopScope.only(4)


def test_the_filter_adds_the_shop_condition_only_for_one_shop():
    query = select(Incident.id)
    assert "WHERE" not in str(ShopScope.every().filter(query, Incident.shop_id))
    assert "incidents.shop_id = " in str(ShopScope.only(3).filter(query, Incident.shop_id))
