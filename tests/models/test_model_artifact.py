"""The committed model artifact and its metadata: shape, quality against the Bayes bound, provenance."""
from __future__ import annotations

import json

import numpy as np
import pytest

from db.catalog import PRODUCT_CODES
from db.generator import bayes_products, fingerprint, generate_customers
from core.errors import BadInput
from core.features import FEATURES
from core.paths import DEFAULT_MODEL_FILE, MODEL_METADATA_FILE, MODELS_DIR
from engine.settings import offline_settings
from models.train import feature_stats, stratified_split, top_k_accuracy

METADATA_KEYS = {
    "features", "class_labels", "val_accuracy", "top3_accuracy", "bayes_accuracy", "epochs_run", "best_epoch",
    "split", "data", "feature_stats", "seed", "keras_version", "tensorflow_version", "training_seconds",
    "trained_at", "hyperparameters",
}


@pytest.fixture(scope="module")
def metadata() -> dict:
    return json.loads(MODEL_METADATA_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def keras_model():
    keras = pytest.importorskip("keras")
    return keras.models.load_model(DEFAULT_MODEL_FILE)


def test_the_four_artifacts_are_committed():
    for name in ("recommender.keras", "recommender.json", "training_history.png", "confusion_matrix.png"):
        assert (MODELS_DIR / name).stat().st_size > 1000, name


def test_model_maps_six_features_to_a_distribution_over_ten_products(keras_model):
    assert tuple(keras_model.input_shape) == (None, len(FEATURES))
    assert tuple(keras_model.output_shape) == (None, len(PRODUCT_CODES))
    rows = generate_customers(rows=500, seed=99)[list(FEATURES)].to_numpy(dtype=np.float32)
    probabilities = np.asarray(keras_model(rows))
    assert (probabilities >= 0).all()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_metadata_describes_the_contract_and_the_run(metadata):
    assert METADATA_KEYS <= metadata.keys()
    assert metadata["features"] == list(FEATURES)
    assert metadata["class_labels"] == list(PRODUCT_CODES)
    assert metadata["split"] == {"train": 63_000, "validation": 7_000, "stratified": True}
    assert 1 <= metadata["best_epoch"] <= metadata["epochs_run"] <= metadata["hyperparameters"]["max_epochs"]
    for name in FEATURES:
        stats = metadata["feature_stats"][name]
        assert stats["min"] <= stats["median"] <= stats["max"]


def test_validation_accuracy_is_within_two_points_of_the_bayes_bound(metadata):
    assert 0.75 <= metadata["bayes_accuracy"] <= 0.9
    assert metadata["val_accuracy"] >= metadata["bayes_accuracy"] - 0.02
    assert metadata["top3_accuracy"] >= metadata["val_accuracy"]


def test_metadata_matches_regenerating_the_training_data(metadata):
    data = metadata["data"]
    frame = generate_customers(rows=data["rows"], seed=data["seed"])
    assert fingerprint(frame) == data["sha256"]
    features = frame[list(FEATURES)].to_numpy()
    targets = frame["prdtCd"].map({c: i for i, c in enumerate(PRODUCT_CODES)}).to_numpy()
    train_idx, val_idx = stratified_split(targets, 0.1, metadata["seed"])
    assert feature_stats(features[train_idx]) == metadata["feature_stats"]
    bayes = (bayes_products(features[val_idx]) == frame["prdtCd"].to_numpy()[val_idx]).mean()
    assert bayes == pytest.approx(metadata["bayes_accuracy"])


def test_committed_model_reproduces_its_recorded_validation_accuracy(metadata, keras_model):
    frame = generate_customers(rows=metadata["data"]["rows"], seed=metadata["data"]["seed"])
    targets = frame["prdtCd"].map({c: i for i, c in enumerate(PRODUCT_CODES)}).to_numpy()
    _, val_idx = stratified_split(targets, 0.1, metadata["seed"])
    probabilities = np.asarray(keras_model(frame[list(FEATURES)].to_numpy(dtype=np.float32)[val_idx]))
    assert (probabilities.argmax(axis=1) == targets[val_idx]).mean() == pytest.approx(metadata["val_accuracy"], abs=2e-3)


def test_stratified_split_is_seeded_disjoint_complete_and_keeps_class_shares():
    labels = np.repeat(np.arange(4), [500, 300, 150, 50])
    train_idx, val_idx = stratified_split(labels, 0.1, seed=1)
    again_train, again_val = stratified_split(labels, 0.1, seed=1)
    assert np.array_equal(train_idx, again_train) and np.array_equal(val_idx, again_val)
    assert not np.array_equal(val_idx, stratified_split(labels, 0.1, seed=2)[1])
    assert len(val_idx) == 100 and len(train_idx) == 900
    assert np.array_equal(np.sort(np.concatenate([train_idx, val_idx])), np.arange(1000))
    assert np.bincount(labels[val_idx]).tolist() == [50, 30, 15, 5]


def test_top_k_accuracy_counts_a_hit_anywhere_in_the_top_k():
    probabilities = np.array([[0.5, 0.3, 0.2], [0.1, 0.2, 0.7], [0.6, 0.3, 0.1]])
    targets = np.array([1, 0, 2])
    assert top_k_accuracy(probabilities, targets, 1) == 0.0
    assert top_k_accuracy(probabilities, targets, 2) == pytest.approx(1 / 3)
    assert top_k_accuracy(probabilities, targets, 3) == 1.0


def test_a_short_training_run_writes_every_artifact(tmp_path):
    from models.train import train

    settings = offline_settings()
    result = train(settings.model_path, epochs=2, batch_size=500, rows=2_000, seed=5, out_dir=tmp_path)
    assert set(result) == {"val_accuracy", "bayes_accuracy", "top3_accuracy", "epochs_run", "model"}
    assert result["model"] == str(tmp_path / "recommender.keras") and result["epochs_run"] == 2
    for name in ("recommender.keras", "recommender.json", "training_history.png", "confusion_matrix.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    written = json.loads((tmp_path / "recommender.json").read_text(encoding="utf-8"))
    assert written["split"] == {"train": 1_800, "validation": 200, "stratified": True}
    assert written["data"]["sha256"] == fingerprint(generate_customers(rows=2_000, seed=5))


@pytest.mark.parametrize("kwargs", [{"epochs": 0}, {"batch_size": 0}, {"rows": 10}])
def test_bad_training_arguments_are_refused_before_anything_is_written(tmp_path, kwargs):
    from models.train import train

    with pytest.raises(BadInput):
        train(offline_settings().model_path, out_dir=tmp_path / "out", **kwargs)
    assert not (tmp_path / "out").exists()
