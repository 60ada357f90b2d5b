"""Reports the panel and the CLI show: return reasons, trends, outcomes. Framework-free.

Every function takes the `ShopScope` it may read: the panel passes
`ShopScope.only(shop)`, the operator's CLI `ShopScope.every()` (narrowed by `--shop`).
"""

from plugin.reports.compare import period_over_period
from plugin.reports.export import as_csv
from plugin.reports.outcomes import Outcomes, outcomes
from plugin.reports.period import Period
from plugin.reports.returns import GROUPINGS, return_reasons, sold_units, top_defective
from plugin.reports.rows import ComparedRow, ReasonRow, TrendRow, columns
from plugin.reports.trend import return_trend

__all__ = [
    "GROUPINGS",
    "ComparedRow",
    "Outcomes",
    "Period",
    "ReasonRow",
    "TrendRow",
    "as_csv",
    "columns",
    "outcomes",
    "period_over_period",
    "return_reasons",
    "return_trend",
    "sold_units",
    "top_defective",
]
