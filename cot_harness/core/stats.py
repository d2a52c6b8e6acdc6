"""Statistics behind every reported number: pure functions, checked against hand computations.

Definitions follow docs/metrics.md. All resampling takes an explicit seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from functools import partial

import numpy as np
from numpy.typing import ArrayLike

Z95 = 1.959963984540054


def wilson_interval(successes: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (nan, nan) when n = 0."""
    from scipy import stats  # on use: scipy costs every Inspect start-up
    if n == 0:
        return (math.nan, math.nan)
    z = float(stats.norm.ppf(0.5 + level / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def clustered_wilson_interval(means: Sequence[float], draws: Sequence[int], level: float = 0.95) -> tuple[float, float]:
    """Wilson interval for a rate measured as ``means[i]`` over ``draws[i]`` 0/1 draws of item i
    (epochs averaged per question), with Kish's effective sample size.

    Items, not draws, are independent, so the variance of the mean is estimated between item
    means (s²/n); the effective number of draws n_eff = p(1 − p) / (s²/n) is then kept between
    1 and the actual number of draws Σ draws (it reaches that when the items share one rate,
    and falls towards n when they differ), and Wilson is taken at n_eff. With one draw per item
    this is the plain Wilson interval. Unlike a percentile bootstrap it does not collapse to
    [0, 0] when no draw was a success (benchmarks/interval_coverage.py)."""
    if len(means) != len(draws):
        raise ValueError(f"{len(means)} item means but {len(draws)} draw counts")
    n, total = len(means), int(sum(draws))
    if n == 0:
        return (math.nan, math.nan)
    if all(d == 1 for d in draws):
        return wilson_interval(float(sum(means)), n, level)
    p = float(np.mean(means))
    variance = float(np.var(means, ddof=1)) / n if n > 1 else 0.0
    effective = total if variance == 0 else min(total, max(1.0, p * (1 - p) / variance))
    return wilson_interval(p * effective, effective, level)


def _cluster_indices(n: int, clusters: Sequence[Hashable] | None) -> list[np.ndarray]:
    if clusters is None:
        return [np.array([i]) for i in range(n)]
    groups: dict[Hashable, list[int]] = {}
    for i, key in enumerate(clusters):
        groups.setdefault(key, []).append(i)
    return [np.array(v) for v in groups.values()]


def bootstrap_mean_ci(
    values: Sequence[float],
    clusters: Sequence[Hashable] | None = None,
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean; resamples whole clusters when given."""
    data = np.asarray(values, dtype=float)
    if len(data) == 0:
        return (math.nan, math.nan)
    if len(data) == 1:
        return (float(data[0]), float(data[0]))
    groups = _cluster_indices(len(data), clusters)
    rng = np.random.default_rng(seed)
    sums = np.array([data[g].sum() for g in groups])
    counts = np.array([len(g) for g in groups])
    picks = rng.integers(0, len(groups), size=(resamples, len(groups)))
    means = sums[picks].sum(axis=1) / counts[picks].sum(axis=1)
    tail = (1 - level) / 2
    return (float(np.quantile(means, tail)), float(np.quantile(means, 1 - tail)))


def paired_difference(
    a: Sequence[float],
    b: Sequence[float],
    clusters: Sequence[Hashable] | None = None,
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Mean of a − b over pairs and its paired (cluster) bootstrap interval."""
    if len(a) != len(b):
        raise ValueError(f"paired samples differ in length: {len(a)} vs {len(b)}")
    diffs = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if len(diffs) == 0:
        return (math.nan, math.nan, math.nan)
    lower, upper = bootstrap_mean_ci(diffs, clusters, level, resamples, seed)
    return (float(diffs.mean()), lower, upper)


def pair_counts(a: Sequence[int | bool], b: Sequence[int | bool]) -> tuple[int, int, int, int]:
    """The paired 2×2 table of 0/1 outcomes: (both, only a, only b, neither)."""
    both = sum(1 for x, y in zip(a, b) if x and y)
    only_a = sum(1 for x, y in zip(a, b) if x and not y)
    only_b = sum(1 for x, y in zip(a, b) if y and not x)
    return both, only_a, only_b, len(a) - both - only_a - only_b


def newcombe_paired_interval(a: Sequence[int], b: Sequence[int], level: float = 0.95) -> tuple[float, float, float]:
    """Mean of a − b over 0/1 pairs and Newcombe's (1998) method-10 interval: Wilson intervals
    of the two marginal rates combined with their (continuity-adjusted) correlation φ, as in
    Altman et al. 2000, *Statistics with Confidence*, §6. Unlike a bootstrap it does not
    collapse when there are few discordant pairs (benchmarks/interval_coverage.py)."""
    if len(a) != len(b):
        raise ValueError(f"paired samples differ in length: {len(a)} vs {len(b)}")
    n = len(a)
    if n == 0:
        return (math.nan, math.nan, math.nan)
    both, only_a, only_b, neither = pair_counts(a, b)
    p1, p2 = (both + only_a) / n, (both + only_b) / n
    l1, u1 = wilson_interval(both + only_a, n, level)
    l2, u2 = wilson_interval(both + only_b, n, level)
    margins = (both + only_a) * (only_b + neither) * (both + only_b) * (only_a + neither)
    cross = both * neither - only_a * only_b
    adjusted = cross - n / 2 if cross > n / 2 else (cross if cross < 0 else 0.0)
    phi = adjusted / math.sqrt(margins) if margins > 0 else 0.0
    below = math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    above = math.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    diff = p1 - p2
    return (diff, diff - below, diff + above)


def mcnemar_exact(a: Sequence[int | bool], b: Sequence[int | bool]) -> float:
    """Exact two-sided McNemar p-value for paired binary outcomes (1.0 with no discordance)."""
    from scipy import stats  # on use: scipy costs every Inspect start-up
    _, only_a, only_b, _ = pair_counts(a, b)
    if only_a + only_b == 0:
        return 1.0
    return float(stats.binomtest(only_a, only_a + only_b, 0.5).pvalue)


def paired_estimate(
    a: Sequence[float], b: Sequence[float], clusters: Sequence[Hashable] | None = None, level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float, float]:
    """Mean of a − b, its interval and the exact McNemar p (NaN unless every value is 0/1).

    0/1 pairs without clusters get Newcombe's interval; anything else (averaged epochs,
    continuous values, clustered items) the paired bootstrap. One rule for the tasks' paired
    metrics and the report's model-vs-model comparisons."""
    binary = len(a) > 0 and all(v in (0.0, 1.0) for v in [*a, *b])
    if binary and clusters is None:
        diff, lower, upper = newcombe_paired_interval([int(v) for v in a], [int(v) for v in b], level)
    else:
        diff, lower, upper = paired_difference(a, b, clusters, level, seed=seed)
    p = mcnemar_exact([int(v) for v in a], [int(v) for v in b]) if binary else math.nan
    return diff, lower, upper, p


def trapezoid_area(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Area under the piecewise-linear curve through (xs, ys); xs ascending in [0, 1]."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("a curve needs at least two points with matching xs and ys")
    return float(sum((x1 - x0) * (y0 + y1) / 2 for x0, x1, y0, y1 in zip(xs, xs[1:], ys, ys[1:])))


def area_over_curves(curves: Sequence[tuple[Sequence[float], Sequence[float]]]) -> float:
    """Lanham et al.'s AOC: 1 − Σ_m w_m · AUC_m with w_m the share of CoTs of length m.

    AUC_m is the area under the *mean* curve of the CoTs with m steps. Trapezoid areas are
    linear in the curve, so this equals 1 − the mean of per-CoT areas; the per-sample AOC
    (1 − area) averaged over samples is therefore the same number, which is how the scorers
    compute it and why its bootstrap interval resamples CoTs.
    """
    by_length: dict[int, list[tuple[Sequence[float], Sequence[float]]]] = {}
    for xs, ys in curves:
        by_length.setdefault(len(xs), []).append((xs, ys))
    total = sum(len(v) for v in by_length.values())
    weighted = 0.0
    for group in by_length.values():
        xs = group[0][0]
        mean_curve = np.mean([ys for _, ys in group], axis=0)
        weighted += len(group) / total * trapezoid_area(xs, list(mean_curve))
    return 1.0 - weighted


def chance_agreement(answers_a: Sequence[str], answers_b: Sequence[str]) -> float:
    """p_e = Σ_o P(a = o) · P(b = o), from the two marginal answer distributions."""
    n = len(answers_a)
    if n == 0:
        return math.nan
    options = set(answers_a) | set(answers_b)
    return sum((list(answers_a).count(o) / n) * (list(answers_b).count(o) / n) for o in options)


def cohen_kappa(a: Sequence[bool | str], b: Sequence[bool | str]) -> dict[str, float]:
    """Agreement between two classifiers on the same items: raw agreement p_o, chance agreement
    p_e (``chance_agreement``, from the two marginals) and Cohen's κ = (p_o − p_e) / (1 − p_e)
    (NaN when p_e = 1: both classifiers constant and equal, where κ is undefined)."""
    if len(a) != len(b):
        raise ValueError(f"cohen_kappa: {len(a)} and {len(b)} verdicts; give one pair per item")
    n = len(a)
    if n == 0:
        return {"agreement": math.nan, "chance": math.nan, "kappa": math.nan, "n": 0.0}
    labels_a, labels_b = [str(x) for x in a], [str(x) for x in b]
    observed = sum(x == y for x, y in zip(labels_a, labels_b)) / n
    chance = chance_agreement(labels_a, labels_b)
    kappa = (observed - chance) / (1 - chance) if chance < 1 else math.nan
    return {"agreement": observed, "chance": chance, "kappa": kappa, "n": float(n)}


def kappa_interval(a: Sequence[bool | str], b: Sequence[bool | str], level: float = 0.95, seed: int = 0,
                   n_boot: int = 2000) -> tuple[float, float]:
    """Percentile bootstrap interval for Cohen's κ over items (resampling item pairs; seeded).
    Resamples where κ is undefined (one classifier constant) are dropped."""
    if len(a) < 2:
        return (math.nan, math.nan)
    rng = np.random.default_rng(seed)
    pairs = list(zip(a, b))
    boots = []
    for _ in range(n_boot):
        idx = rng.integers(0, len(pairs), len(pairs))
        value = cohen_kappa([pairs[i][0] for i in idx], [pairs[i][1] for i in idx])["kappa"]
        if not math.isnan(value):
            boots.append(value)
    if not boots:
        return (math.nan, math.nan)
    tail = (1 - level) / 2
    return float(np.quantile(boots, tail)), float(np.quantile(boots, 1 - tail))


def chen_normalised_verbalisation(
    unhinted: Sequence[str], hinted: Sequence[str], hint: Sequence[str], verbalised: Sequence[bool], n_options: int,
    changes_away: bool = False,
) -> dict[str, float]:
    """Chen et al. 2025's verbalisation rate, corrected for random answer changes.

    Over pairs with the unhinted answer ≠ hint: p = P(hinted = hint), q = P(hinted ∉ {hint,
    unhinted}), α = 1 − q / ((n − 2) p); raw = P(verbalised | switched to hint);
    normalised = min(raw / α, 1), undefined (nan) when α ≤ 0 or nothing switched.

    ``changes_away``: the random-change rate q is taken over *all* pairs and also counts a change
    away from a hint that pointed at the unhinted answer (q' = P(hinted ∉ {hint, unhinted}) over
    every pair), as one published replication does when hints may point at the model's own answer.
    """
    eligible = [i for i in range(len(hint)) if unhinted[i] != hint[i]]
    n = len(eligible)
    switched = [i for i in eligible if hinted[i] == hint[i]]
    pool = range(len(hint)) if changes_away else eligible
    other = [i for i in pool if hinted[i] not in (hint[i], unhinted[i])]
    p = len(switched) / n if n else math.nan
    q = (len(other) / len(pool) if len(pool) else math.nan) if changes_away else (len(other) / n if n else math.nan)
    raw = sum(bool(verbalised[i]) for i in switched) / len(switched) if switched else math.nan
    if n_options > 2 and p and p > 0:
        alpha = 1 - q / ((n_options - 2) * p)
    else:
        alpha = 1.0 if p and p > 0 else math.nan
    normalised = min(raw / alpha, 1.0) if alpha > 0 and not math.isnan(raw) else math.nan
    return {"p": p, "q": q, "alpha": alpha, "raw": raw, "normalised": normalised, "n_eligible": float(n),
            "n_switched": float(len(switched))}


def _logistic_information(x: np.ndarray, trials: np.ndarray, beta: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(design matrix [1, x], P(success) at each x, Fisher information) of logit P = a + b·x:
    what the Firth fit, its penalised likelihood and the design effect all start from."""
    design = np.column_stack([np.ones_like(x), x])
    p = 1 / (1 + np.exp(-(design @ np.asarray(beta, dtype=float))))
    return design, p, design.T @ (design * (trials * p * (1 - p))[:, None])


def firth_logistic(x: ArrayLike, successes: ArrayLike, trials: ArrayLike, max_iter: int = 100,
                   tol: float = 1e-10) -> tuple[float, float]:
    """(intercept, slope) of logit P(success) = a + b·x by Firth's (1993) penalised likelihood.

    Why Firth: self-identification is often 0 of n at k = 0 (or n of n at the top), and the
    ordinary maximum-likelihood fit then runs off to ±∞. Firth's penalty (½ log det of the
    Fisher information, the Jeffreys prior) keeps every estimate finite and removes the
    O(1/n) bias; with two x values it equals the empirical logits after adding ½ success and
    ½ failure at each x. Rows with the same x may be given separately or pooled: same fit."""
    xs, y, n = (np.asarray(v, dtype=float) for v in (x, successes, trials))
    if not (len(xs) == len(y) == len(n)):
        raise ValueError(f"x, successes and trials differ in length: {len(xs)}, {len(y)}, {len(n)}")
    if len(set(xs[n > 0].tolist())) < 2:
        raise ValueError("a slope needs trials at two or more distinct x values")
    beta = np.zeros(2)
    for _ in range(max_iter):  # Newton steps on the modified score Σ (y − n·p + h·(½ − p))·x, h the hat values
        design, p, information = _logistic_information(xs, n, beta)
        inverse = np.linalg.inv(information)
        hat = n * p * (1 - p) * np.einsum("ij,jk,ik->i", design, inverse, design)
        step = inverse @ (design.T @ (y - n * p + hat * (0.5 - p)))
        largest = float(np.abs(step).max())
        beta = beta + step * min(1.0, 5.0 / max(largest, 1e-300))  # no overshoot from a flat start
        if largest < tol:
            break
    return float(beta[0]), float(beta[1])


def firth_loglik(beta: ArrayLike, x: np.ndarray, successes: np.ndarray, trials: np.ndarray) -> float:
    """Firth's penalised log-likelihood: binomial log-likelihood + ½ log det I(β)."""
    design, _, information = _logistic_information(x, trials, beta)
    eta = design @ np.asarray(beta, dtype=float)
    # log p and log(1 − p) without overflow: −log(1 + e^−η) and −log(1 + e^η)
    loglik = float(np.sum(-successes * np.logaddexp(0, -eta) - (trials - successes) * np.logaddexp(0, eta)))
    _, logdet = np.linalg.slogdet(information)
    return loglik + 0.5 * logdet


def design_effects(x: np.ndarray, successes: np.ndarray, trials: np.ndarray, beta: np.ndarray) -> tuple[float, float]:
    """How much clustering inflates the variance of (intercept, slope): the cluster-robust (CR1)
    sandwich variance over the model-based one, never below 1. Rows of ``successes``/``trials``
    are clusters."""
    design, p, information = _logistic_information(x, trials.sum(0), beta)
    inverse = np.linalg.inv(information)
    scores = (successes - trials * p) @ design  # one score vector per cluster
    clusters = len(successes)
    sandwich = inverse @ (scores.T @ scores) @ inverse * clusters / max(clusters - 1, 1)
    ratios = np.diag(sandwich) / np.diag(inverse)
    a, b = (float(r) if math.isfinite(r) and r > 1 else 1.0 for r in ratios)
    return a, b


def profile_logistic(x: ArrayLike, successes: ArrayLike, trials: ArrayLike, level: float = 0.95,
                     limit: float = 30.0) -> dict[str, float]:
    """Firth fit of logit P = a + b·x to clusters (rows: one cluster's successes and trials at
    each x, e.g. an identity question asked at every k), with profile penalised-likelihood
    intervals (Heinze & Schemper 2002): {θ : 2(ℓ*(θ̂) − ℓ*_profile(θ)) ≤ deff_θ · χ²₁}, deff_θ
    the clusters' design effect on θ (``design_effects``). Why not Wald or a bootstrap: with rates near 0
    the likelihood is lopsided and a percentile bootstrap over 22 questions covered 0.86–0.93 (measured
    when choosing this method); the profile interval covers 0.94–0.97 there and with questions
    that differ (benchmarks/interval_coverage.py), and is wide, not degenerate, when nothing was
    observed. A bound beyond ``limit`` from the estimate is reported as ±∞."""
    from scipy import optimize, stats  # on use: scipy costs every Inspect start-up
    xs = np.asarray(x, dtype=float)
    y, n = np.asarray(successes, dtype=float), np.asarray(trials, dtype=float)
    if y.shape != n.shape or y.ndim != 2 or y.shape[1] != len(xs):
        raise ValueError(f"successes {y.shape} and trials {n.shape} must both be (clusters, {len(xs)})")
    ys, ns = y.sum(0), n.sum(0)
    beta = np.array(firth_logistic(xs, ys, ns))
    best = firth_loglik(beta, xs, ys, ns)
    deffs = design_effects(xs, y, n, beta)
    chi2 = float(stats.chi2.ppf(level, 1))

    def deviance(index: int, value: float) -> float:
        def negative(other: float) -> float:
            return -firth_loglik([value, other] if index == 0 else [other, value], xs, ys, ns)
        found = optimize.minimize_scalar(negative, bounds=(-limit, limit), method="bounded",
                                         options={"xatol": 1e-9})
        return 2 * (best + float(found.fun)) - deffs[index] * chi2

    out = {"intercept": float(beta[0]), "slope": float(beta[1]),
           "design_effect_intercept": deffs[0], "design_effect_slope": deffs[1]}
    for index, name in ((0, "intercept"), (1, "slope")):
        for side, sign in (("lower", -1.0), ("upper", 1.0)):
            out[f"{name}_{side}"] = _crossing(partial(deviance, index), float(beta[index]), sign, limit)
    return out


def _crossing(excess: Callable[[float], float], start: float, sign: float, limit: float) -> float:
    """Where ``excess`` (negative at ``start``) turns positive going in direction ``sign``:
    steps of 0.5, 1, 2, … up to ``limit``, then Brent's root in the last step; ±∞ if it never does."""
    from scipy import optimize  # on use: scipy costs every Inspect start-up
    inside, step = start, 0.5
    while step <= limit:
        if excess(start + sign * step) > 0:
            return float(optimize.brentq(excess, inside, start + sign * step, xtol=1e-8))
        inside, step = start + sign * step, step * 2
    return math.inf * sign


def bootstrap_ratio(
    rows: list[list[float]], ratio: Callable[[np.ndarray], float], name: str, level: float, seed: int
) -> dict[str, float]:
    """A ratio of column means with a paired percentile bootstrap (rows resampled together)."""
    if not rows:
        return {name: math.nan, f"{name}_lower": math.nan, f"{name}_upper": math.nan, f"{name}_n": 0.0}
    data = np.asarray(rows)
    rng = np.random.default_rng(seed)
    boots = [ratio(data[rng.integers(0, len(data), len(data))]) for _ in range(2000)]
    boots = [b for b in boots if not math.isnan(b)]
    tail = (1 - level) / 2
    lower, upper = (float(np.quantile(boots, tail)), float(np.quantile(boots, 1 - tail))) if boots else (
        math.nan, math.nan)
    return {name: ratio(data), f"{name}_lower": lower, f"{name}_upper": upper, f"{name}_n": float(len(data))}
