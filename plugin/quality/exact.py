"""An exact one-sided test that two Poisson rates are equal, by the conditional binomial.

Returns of a SKU for a reason are counted over a recent window (k, with n units
sold in it) and a baseline window (k0, with n0 sold). If the rate per unit sold
were the same in both, then given the k + k0 returns in all, the recent ones are
Binomial(k + k0, n / (n + n0)) (Przyborowski and Wilenski, 1940). The p-value is
P(X >= k): how likely so many of them fall in the recent window by chance. It
needs no guess of the baseline rate, so a thin baseline makes the test cautious
rather than jumpy.
"""

from __future__ import annotations

import math


def binomial_tail(k: int, trials: int, p: float) -> float:
    """Return P(X >= k) for X ~ Binomial(trials, p), summed exactly in log space."""
    if k <= 0:
        return 1.0
    if k > trials or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    terms = [
        math.lgamma(trials + 1) - math.lgamma(i + 1) - math.lgamma(trials - i + 1)
        + i * log_p + (trials - i) * log_q
        for i in range(k, trials + 1)
    ]  # fmt: skip
    top = max(terms)
    return min(1.0, math.exp(top) * math.fsum(math.exp(t - top) for t in terms))


def rates_differ(recent: int, recent_sold: int, baseline: int, baseline_sold: int) -> float:
    """Return the p-value that the recent rate is no higher than the baseline's."""
    exposure = recent_sold / (recent_sold + baseline_sold)
    return binomial_tail(recent, recent + baseline, exposure)
