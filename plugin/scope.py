"""Which shops a read or an action may touch: one shop, or every shop for the operator.

Every query the panel makes is scoped to the shop its caller authenticated as, and
that scope is a required argument, never an optional one a caller can forget: a
function that takes a `ShopScope` cannot be called without deciding. The operator's
CLI, which serves every shop on the host, passes `ShopScope.every()` explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select

Q = TypeVar("Q", bound=Select)


@dataclass(frozen=True)
class ShopScope:
    """One shop (`shop_id`), or every shop (`shop_id` None, only through `every()`)."""

    shop_id: int | None

    @classmethod
    def only(cls, shop_id: int) -> ShopScope:
        """Scope to one shop: what a session token or a signed request authenticates."""
        if not isinstance(shop_id, int) or isinstance(shop_id, bool):
            raise TypeError(f"a shop scope needs a shop id, got {shop_id!r}")
        return cls(shop_id)

    @classmethod
    def every(cls) -> ShopScope:
        """Scope to every shop: the operator on the host, never a web caller."""
        return cls(None)

    def covers(self, shop_id: int) -> bool:
        """Tell whether a row of `shop_id` is within the scope."""
        return self.shop_id is None or self.shop_id == shop_id

    def narrowed_to(self, shop_id: int | None) -> ShopScope:
        """Scope further to `shop_id` when given (the CLI's `--shop`)."""
        if shop_id is None:
            return self
        if not self.covers(shop_id):
            return ShopScope(-1)  # nothing: a shop outside the scope
        return ShopScope.only(shop_id)

    def filter(self, query: Q, column: Any) -> Q:
        """Return `query` restricted to the scope on `column` (a shop id column)."""
        return query if self.shop_id is None else query.where(column == self.shop_id)
