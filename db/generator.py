"""Deterministic synthetic customers for the rental company, drawn from a documented latent rule.

Marginals (one seeded `numpy.random.Generator`, drawn in this order):

- age: 19 + floor(Gamma(shape 4.5, scale 5.5)), capped at 90, with 4% replaced by Uniform{19..29}
  (young renters moving out); median about 41, ~80% aged 30-59.
- houseHold: 1 + Poisson(lam(age)), capped at 8; lam peaks in the early 40s (children at home),
  is lowest for people in their 20s and settles near 1 (couples) for older customers.
- size (pyeong): (4 + 7 * houseHold) * LogNormal(0, 0.22), 5-100; one person ~8-15 평, four ~25-40 평.
- amt (thousand KRW a month): (10 + 0.7 * size + 2 * houseHold) * LogNormal(0, 0.35), 10-150.
- score: 100 * Beta(2.4, 2.0) + 0.25 * (age - 43), rounded, 0-100 (longer members score higher).
- discRate: 0.3 * score + Normal(0, 7), 0-50; 80% rounded to a multiple of 5, the rest to a whole
  percent, then 20% of customers get no discount at all, so 0/5/10/... dominate.

Latent preference rule (the product each customer rents). With the standardised terms
A = (age - 45) / 15, H = (houseHold - 2.5) / 1.5, S = ln(size / 22) / 0.5, B = ln(amt / 30) / 0.5,
C = (score - 55) / 22, every product k gets a utility

    U_k = UTILITY[k] . (1, A, H, S, B, C, A^2, H^2) - AFFORD * softplus((fee_k * (1 - discRate/100) - amt) / 8)

so big households and budgets lean to the 12-place dishwasher and premium purifiers, singles in small
homes to compact and slim models, older customers to the sterilizing bidet and the care mattress, and
any product whose discounted fee exceeds the budget loses appeal. The customer picks
argmax_k(U_k / TEMPERATURE + Gumbel noise), i.e. P(k | features) = softmax(U / TEMPERATURE): a
Bayes-optimal classifier reaches about 0.79 accuracy (slim purifier vs compact air purifier and the
two family models overlap most), and every product keeps a 7-15% share.
"""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from db.catalog import PRODUCT_CODES, PRODUCTS, PRODUCTS_BY_CODE
from core.errors import BadInput
from core.features import FEATURES

COLUMNS: tuple[str, ...] = ("id", *FEATURES, "prdtGrpCd", "prdtCd")

TEMPERATURE = 0.1
AFFORD = 1.0
# Rows follow PRODUCT_CODES; columns weigh (1, A, H, S, B, C, A^2, H^2).
UTILITY = np.array(
    [
        [-0.12, -0.40, -0.50, -1.00, 0.00, 0.00, 0.00, 0.00],  # 정수기1 slim: small homes, singles, young
        [ 1.18, 0.00, 0.30, 0.00, 0.20, 0.00, -0.30, -0.60],  # 정수기2 hot & cold: mid-size families
        [ 0.27, 0.00, 0.40, 0.00, 1.00, 0.30, 0.00, 0.00],  # 정수기3 premium ice: big budgets
        [-0.25, -0.50, 0.00, -1.20, 0.00, 0.00, 0.00, 0.00],  # 공기청정기1 compact: small homes, young
        [ 0.06, 0.00, 0.00, 1.20, 0.30, 0.00, 0.00, 0.00],  # 공기청정기2 large room: big homes
        [-0.22, 0.20, 0.00, 0.00, -1.00, -0.30, 0.00, 0.00],  # 비데1 essential: tight budgets
        [ 0.34, 1.20, 0.00, 0.00, 0.20, 0.00, 0.00, 0.00],  # 비데2 sterilizing: older customers
        [ 1.09, 0.00, 0.10, 0.00, 0.00, 0.00, 0.00, -0.80],  # 식기세척기1 6-place: couples, small families
        [-0.01, 0.00, 1.00, 0.00, 0.60, 0.00, 0.00, 0.00],  # 식기세척기2 12-place: big households
        [ 0.93, 0.80, 0.00, 0.00, 0.00, 0.70, 0.00, 0.00],  # 매트리스1 care: older, loyal members
    ]
)
FEES_THOUSANDS = np.array([PRODUCTS_BY_CODE[code].monthly_fee / 1000 for code in PRODUCT_CODES])
GROUP_OF = {p.code: p.group for p in PRODUCTS}


def _utilities(features: np.ndarray) -> np.ndarray:
    """Latent utility of each product, shape (n, 10), for rows in core.features.FEATURES order."""
    x = np.asarray(features, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != len(FEATURES):
        raise BadInput(f"features must have shape (n, {len(FEATURES)}), got {x.shape}")
    age, household, amt, size, score, disc = x.T
    a = (age - 45) / 15
    h = (household - 2.5) / 1.5
    s = np.log(np.maximum(size, 1) / 22) / 0.5
    b = np.log(np.maximum(amt, 1) / 30) / 0.5
    c = (score - 55) / 22
    terms = np.stack([np.ones_like(a), a, h, s, b, c, a**2, h**2], axis=1)
    net_fee = FEES_THOUSANDS[None, :] * (1 - disc[:, None] / 100)
    over_budget = np.logaddexp(0.0, (net_fee - amt[:, None]) / 8)
    return terms @ UTILITY.T - AFFORD * over_budget


def class_probabilities(features: np.ndarray) -> np.ndarray:
    """True P(product | six features) of the latent rule, columns in PRODUCT_CODES order."""
    logits = _utilities(features) / TEMPERATURE
    logits -= logits.max(axis=1, keepdims=True)
    weights = np.exp(logits)
    return weights / weights.sum(axis=1, keepdims=True)


def bayes_products(features: np.ndarray) -> np.ndarray:
    """The Bayes-optimal product code for each row: the most probable product under the latent rule."""
    return np.asarray(PRODUCT_CODES, dtype=object)[class_probabilities(features).argmax(axis=1)]


def _household(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    settled = 0.7 / (1 + np.exp(-(age - 28) / 4))
    children = 1.6 * np.exp(-(((age - 42) / 11) ** 2))
    return np.minimum(1 + rng.poisson(0.3 + settled + children), 8)


def _discount(rng: np.random.Generator, score: np.ndarray) -> np.ndarray:
    raw = np.clip(0.3 * score + rng.normal(0, 7, score.size), 0, 50)
    stepped = np.where(rng.random(score.size) < 0.8, 5 * np.round(raw / 5), np.round(raw))
    return np.where(rng.random(score.size) < 0.2, 0, stepped)


def _features(rng: np.random.Generator, rows: int) -> np.ndarray:
    age = np.minimum(19 + np.floor(rng.gamma(4.5, 5.5, rows)), 90)
    age = np.where(rng.random(rows) < 0.04, rng.integers(19, 30, rows), age)
    household = _household(rng, age)
    size = np.clip(np.round((4 + 7 * household) * rng.lognormal(0, 0.22, rows)), 5, 100)
    amt = np.clip(np.round((10 + 0.7 * size + 2 * household) * rng.lognormal(0, 0.35, rows)), 10, 150)
    score = np.clip(np.round(100 * rng.beta(2.4, 2.0, rows) + 0.25 * (age - 43)), 0, 100)
    disc = _discount(rng, score)
    return np.stack([age, household, amt, size, score, disc], axis=1).astype(np.int64)


def generate_customers(rows: int = 70_000, seed: int = 42) -> pd.DataFrame:
    """`rows` customers with the six features and the product each rents; the same seed gives the same frame."""
    if isinstance(rows, bool) or not isinstance(rows, (int, np.integer)) or rows < 1:
        raise BadInput(f"rows must be a positive whole number, got {rows!r}")
    rows = int(rows)
    rng = np.random.default_rng(seed)
    features = _features(rng, rows)
    # Gumbel-max draws exactly one product per row from softmax(U / TEMPERATURE).
    noisy = _utilities(features) / TEMPERATURE + rng.gumbel(size=(rows, len(PRODUCT_CODES)))
    codes = np.asarray(PRODUCT_CODES, dtype=object)[noisy.argmax(axis=1)]
    frame = pd.DataFrame(features, columns=list(FEATURES))
    frame.insert(0, "id", np.arange(1, rows + 1, dtype=np.int64))
    frame["prdtGrpCd"] = [GROUP_OF[code] for code in codes]
    frame["prdtCd"] = codes
    return frame


def fingerprint(frame: pd.DataFrame) -> str:
    """SHA-256 of a customer frame's values in COLUMNS order, so artifacts can name the exact data they saw."""
    digest = hashlib.sha256()
    digest.update(np.ascontiguousarray(frame[["id", *FEATURES]].to_numpy(dtype=np.int64)).tobytes())
    digest.update("\n".join(frame["prdtGrpCd"] + "\t" + frame["prdtCd"]).encode("utf-8"))
    return digest.hexdigest()
