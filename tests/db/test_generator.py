"""The synthetic customers: deterministic, believable marginals, and a latent rule the tests can check."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from db.catalog import PRODUCT_CODES, PRODUCTS_BY_CODE
from db.generator import COLUMNS, bayes_products, class_probabilities, fingerprint, generate_customers
from core.errors import BadInput
from core.features import FEATURES


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return generate_customers(rows=20_000, seed=3)


def test_same_seed_gives_the_same_frame_and_another_seed_differs():
    first, again, other = (generate_customers(rows=2_000, seed=s) for s in (5, 5, 6))
    pd.testing.assert_frame_equal(first, again)
    assert fingerprint(first) == fingerprint(again)
    assert not first[list(FEATURES)].equals(other[list(FEATURES)])
    assert fingerprint(first) != fingerprint(other)


def test_columns_types_and_ids(customers):
    assert tuple(customers.columns) == COLUMNS == ("id", *FEATURES, "prdtGrpCd", "prdtCd")
    for name in ("id", *FEATURES):
        assert pd.api.types.is_integer_dtype(customers[name]), name
    assert customers["id"].tolist() == list(range(1, len(customers) + 1))


def test_values_stay_in_their_documented_ranges(customers):
    ranges = {"age": (19, 90), "houseHold": (1, 8), "amt": (10, 150), "size": (5, 100),
              "score": (0, 100), "discRate": (0, 50)}
    for name, (low, high) in ranges.items():
        assert customers[name].between(low, high).all(), name
    assert customers["age"].min() <= 20 and customers["houseHold"].max() >= 7


def test_marginals_look_like_a_rental_customer_base(customers):
    age = customers["age"]
    assert 30 <= age.median() < 50
    assert age.between(30, 59).mean() > 0.5
    assert customers["houseHold"].corr(customers["size"]) > 0.3
    assert customers["amt"].corr(customers["size"]) > 0.3
    singles = customers.loc[customers["houseHold"] == 1, "size"]
    fours = customers.loc[customers["houseHold"] == 4, "size"]
    assert 8 <= singles.median() <= 15 and 25 <= fours.median() <= 40
    assert 20 <= customers["amt"].median() <= 60
    assert (customers["discRate"] % 5 == 0).mean() > 0.7 and (customers["discRate"] == 0).mean() > 0.1


def test_every_product_is_present_with_its_own_group(customers):
    shares = customers["prdtCd"].value_counts(normalize=True)
    assert set(shares.index) == set(PRODUCT_CODES)
    assert shares.min() >= 0.03
    assert (customers["prdtGrpCd"] == customers["prdtCd"].map(lambda c: PRODUCTS_BY_CODE[c].group)).all()


def test_class_probabilities_are_distributions_matching_the_sampled_shares(customers):
    probabilities = class_probabilities(customers[list(FEATURES)].to_numpy())
    assert probabilities.shape == (len(customers), len(PRODUCT_CODES))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-12)
    expected = probabilities.mean(axis=0)
    observed = customers["prdtCd"].value_counts(normalize=True).reindex(PRODUCT_CODES).to_numpy()
    np.testing.assert_allclose(observed, expected, atol=0.01)


def test_bayes_products_are_the_argmax_and_beat_chance_without_being_perfect(customers):
    features = customers[list(FEATURES)].to_numpy()
    probabilities = class_probabilities(features)
    best = bayes_products(features)
    assert (best == np.asarray(PRODUCT_CODES)[probabilities.argmax(axis=1)]).all()
    accuracy = (best == customers["prdtCd"].to_numpy()).mean()
    assert 0.75 <= accuracy <= 0.9
    assert abs(accuracy - probabilities.max(axis=1).mean()) < 0.015


def test_the_latent_rule_points_the_documented_way():
    single_small = [27, 1, 20, 9, 50, 0]
    big_family = [42, 6, 120, 55, 60, 10]
    elderly_loyal = [78, 2, 45, 25, 95, 20]
    best = dict(zip(("single", "family", "elderly"), bayes_products(np.array([single_small, big_family, elderly_loyal]))))
    assert best["single"] in {"정수기1", "공기청정기1"}
    assert best["family"] in {"식기세척기2", "정수기3", "공기청정기2"}
    assert best["elderly"] in {"비데2", "매트리스1"}


@pytest.mark.parametrize("rows", [0, -5, 2.5, "10", True])
def test_bad_row_counts_are_refused(rows):
    with pytest.raises(BadInput):
        generate_customers(rows=rows)


def test_features_of_the_wrong_shape_are_refused():
    with pytest.raises(BadInput):
        class_probabilities(np.zeros((3, 5)))
