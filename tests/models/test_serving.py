"""NumPy serving: the same probabilities as Keras, loaded once, without TensorFlow on the request path."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading

import numpy as np
import pytest

from db.catalog import PRODUCT_CODES
from db.generator import generate_customers
from core.errors import BadInput, ModelUnavailable
from core.features import FEATURES
from core.paths import DEFAULT_MODEL_FILE, MODEL_METADATA_FILE, ROOT
from models.serving import Recommender, load_metadata, read_archive_weights, read_keras_weights


@pytest.fixture(scope="module")
def rows() -> np.ndarray:
    return generate_customers(rows=1_000, seed=123)[list(FEATURES)].to_numpy()


def test_numpy_forward_pass_matches_keras(rows):
    keras = pytest.importorskip("keras")
    model = keras.models.load_model(DEFAULT_MODEL_FILE)
    expected = np.asarray(model(rows.astype(np.float32)))
    got = Recommender.load().predict_proba(rows)
    assert got.shape == (1_000, len(PRODUCT_CODES))
    np.testing.assert_allclose(got, expected, atol=1e-5)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=1e-9)


def test_normalization_handles_a_zero_variance_feature_like_keras(rows):
    pytest.importorskip("keras")
    from models.recommender import build_model

    constant = rows.astype(np.float32).copy()
    constant[:, 4] = 50.0  # every score equal: variance 0, so Keras divides by epsilon
    model = build_model(constant)
    mean, variance = model.get_layer("normalize").get_weights()[:2]
    dense = [(*model.get_layer(n).get_weights(), model.get_layer(n).get_config()["activation"])
             for n in ("hidden1", "hidden2", "products")]
    assert variance[4] == 0
    recommender = Recommender.from_weights(mean, variance, dense, PRODUCT_CODES)
    probe = constant[:50].copy()
    probe[:, 4] = np.float32(50.00001)  # a few float32 steps above the mean, tens of epsilons away
    np.testing.assert_allclose(recommender.predict_proba(probe), np.asarray(model(probe)), atol=1e-5)


def test_archive_reader_finds_the_same_weights_keras_loads():
    pytest.importorskip("keras")
    mean, variance, dense = read_archive_weights(DEFAULT_MODEL_FILE)
    k_mean, k_variance, k_dense = read_keras_weights(DEFAULT_MODEL_FILE)
    np.testing.assert_array_equal(mean, k_mean)
    np.testing.assert_array_equal(variance, k_variance)
    assert [a for *_, a in dense] == [a for *_, a in k_dense] == ["elu", "elu", "softmax"]
    for (kernel, bias, _), (k_kernel, k_bias, _) in zip(dense, k_dense, strict=True):
        np.testing.assert_array_equal(kernel, k_kernel)
        np.testing.assert_array_equal(bias, k_bias)


def test_load_is_cached_per_path_and_thread_safe():
    results = []
    threads = [threading.Thread(target=lambda: results.append(Recommender.load(DEFAULT_MODEL_FILE))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and all(r is results[0] for r in results)
    assert Recommender.load() is results[0]
    assert results[0].class_labels == PRODUCT_CODES
    assert results[0].metadata == load_metadata()


def test_a_copied_model_loads_separately(tmp_path, rows):
    copy = tmp_path / "copy.keras"
    shutil.copy(DEFAULT_MODEL_FILE, copy)
    shutil.copy(MODEL_METADATA_FILE, tmp_path / "copy.json")
    other = Recommender.load(copy)
    assert other is not Recommender.load()
    np.testing.assert_array_equal(other.predict_proba(rows[:20]), Recommender.load().predict_proba(rows[:20]))


def test_one_row_may_be_a_plain_list():
    recommender = Recommender.load()
    single = recommender.predict_proba([35, 4, 30, 30, 60, 10])
    assert single.shape == (1, len(PRODUCT_CODES))
    np.testing.assert_array_equal(single, recommender.predict_proba([[35, 4, 30, 30, 60, 10]]))


@pytest.mark.parametrize("bad", [[1, 2, 3], [[1, 2, 3, 4, 5, 6, 7]], [[35, 4, 30, np.nan, 60, 10]],
                                 [[35, 4, 30, np.inf, 60, 10]], [["a", 4, 30, 30, 60, 10]]])
def test_bad_feature_rows_are_refused(bad):
    with pytest.raises(BadInput):
        Recommender.load().predict_proba(bad)


def test_metadata_loads_from_the_model_path_or_the_json_path():
    assert load_metadata() == load_metadata(DEFAULT_MODEL_FILE) == load_metadata(MODEL_METADATA_FILE)
    assert load_metadata()["feature_stats"]["age"]["median"] > 0


def test_missing_or_broken_artifacts_raise_model_unavailable(tmp_path):
    with pytest.raises(ModelUnavailable):
        load_metadata(tmp_path / "nothing.keras")
    with pytest.raises(ModelUnavailable):
        Recommender.load(tmp_path / "nothing.keras")
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"not a zip file")
    shutil.copy(MODEL_METADATA_FILE, tmp_path / "broken.json")
    with pytest.raises(ModelUnavailable):
        Recommender.load(broken)


def test_a_model_for_other_features_is_refused(tmp_path):
    shutil.copy(DEFAULT_MODEL_FILE, tmp_path / "m.keras")
    metadata = {**load_metadata(), "features": ["age", "income"]}
    (tmp_path / "m.json").write_text(json.dumps(metadata), encoding="utf-8")
    with pytest.raises(ModelUnavailable):
        Recommender.load(tmp_path / "m.keras")


def test_serving_never_imports_tensorflow():
    script = (
        "import sys\n"
        "from models.serving import Recommender, load_metadata\n"
        "load_metadata()\n"
        "Recommender.load().predict_proba([[35, 4, 30, 30, 60, 10]])\n"
        "bad = [m for m in ('tensorflow', 'keras') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
