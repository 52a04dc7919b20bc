"""Train the recommender on the generator's customers and write the model, its metadata and two charts.

The data comes straight from db.generator (not the SQLite file), so a seed fully determines the run.
"""
from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import numpy as np

from db.catalog import PRODUCT_CODES, PRODUCTS_BY_CODE
from db.generator import bayes_products, fingerprint, generate_customers
from core.errors import BadInput
from core.features import FEATURES

VALIDATION_SHARE = 0.1
LEARNING_RATE = 0.01
PATIENCE = 10
HISTORY_CHART = "training_history.png"
CONFUSION_CHART = "confusion_matrix.png"


def stratified_split(labels: np.ndarray, validation_share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded (train, validation) row indices keeping each class's share; quotas use largest remainders."""
    labels = np.asarray(labels)
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    n_val = int(round(len(labels) * validation_share))
    exact = counts * n_val / len(labels)
    quota = np.floor(exact).astype(int)
    quota[np.argsort(-(exact - quota), kind="stable")[: n_val - quota.sum()]] += 1
    rng = np.random.default_rng(seed)
    val_parts = [rng.permutation(np.flatnonzero(inverse == k))[: quota[k]] for k in range(len(classes))]
    val_idx = np.sort(np.concatenate(val_parts))
    train_idx = np.setdiff1d(np.arange(len(labels)), val_idx)
    return rng.permutation(train_idx), val_idx


def feature_stats(features: np.ndarray) -> dict[str, dict[str, float]]:
    """Per-feature min/max/median of the training split: the app clamps to min/max and defaults to medians."""
    return {
        name: {"min": float(col.min()), "max": float(col.max()), "median": float(np.median(col))}
        for name, col in zip(FEATURES, np.asarray(features, dtype=np.float64).T)
    }


def top_k_accuracy(probabilities: np.ndarray, targets: np.ndarray, k: int) -> float:
    top = np.argsort(-probabilities, axis=1)[:, :k]
    return float((top == targets[:, None]).any(axis=1).mean())


def train(
    model_path: Path,
    epochs: int = 100,
    batch_size: int = 5000,
    rows: int = 70_000,
    seed: int = 42,
    out_dir: Path | None = None,
) -> dict:
    """Fit, keep the best-val-loss weights, and write recommender.keras/.json plus the two charts into out_dir."""
    if epochs < 1 or batch_size < 1 or rows < 100:
        raise BadInput("epochs and batch_size must be at least 1 and rows at least 100")
    import keras
    import tensorflow as tf

    out_dir = Path(out_dir) if out_dir is not None else Path(model_path).parent
    out_dir.mkdir(parents=True, exist_ok=True)
    model_file = out_dir / Path(model_path).name

    frame = generate_customers(rows=rows, seed=seed)
    features = frame[list(FEATURES)].to_numpy(dtype=np.float32)
    targets = frame["prdtCd"].map({code: i for i, code in enumerate(PRODUCT_CODES)}).to_numpy(dtype=np.int64)
    train_idx, val_idx = stratified_split(targets, VALIDATION_SHARE, seed)

    keras.utils.set_random_seed(seed)
    model = build_and_compile(features[train_idx])
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=PATIENCE, restore_best_weights=True)
    started = time.perf_counter()
    history = model.fit(
        features[train_idx], targets[train_idx],
        validation_data=(features[val_idx], targets[val_idx]),
        epochs=epochs, batch_size=batch_size, shuffle=True, callbacks=[stop], verbose=0,
    )
    seconds = time.perf_counter() - started

    probabilities = model.predict(features[val_idx], batch_size=batch_size, verbose=0)
    predicted = probabilities.argmax(axis=1)
    bayes = bayes_products(frame[list(FEATURES)].to_numpy()[val_idx])
    curves = {key: [float(v) for v in values] for key, values in history.history.items()}
    metrics = {
        "val_accuracy": float((predicted == targets[val_idx]).mean()),
        "bayes_accuracy": float((bayes == frame["prdtCd"].to_numpy()[val_idx]).mean()),
        "top3_accuracy": top_k_accuracy(probabilities, targets[val_idx], 3),
        "epochs_run": len(curves["loss"]),
        "model": str(model_file),
    }
    model.save(model_file)
    from models.recommender import HIDDEN_ACTIVATION, HIDDEN_UNITS  # Keras is loaded by now anyway

    metadata = {
        "features": list(FEATURES),
        "class_labels": list(PRODUCT_CODES),
        **{key: metrics[key] for key in ("val_accuracy", "top3_accuracy", "bayes_accuracy", "epochs_run")},
        "best_epoch": int(np.argmin(curves["val_loss"])) + 1,
        "val_loss": float(min(curves["val_loss"])),
        "split": {"train": int(len(train_idx)), "validation": int(len(val_idx)), "stratified": True},
        "data": {"source": "db.generator.generate_customers", "rows": int(rows), "seed": int(seed),
                 "sha256": fingerprint(frame)},
        "feature_stats": feature_stats(features[train_idx]),
        "hyperparameters": {"hidden_units": list(HIDDEN_UNITS), "activation": HIDDEN_ACTIVATION, "optimizer": "adam",
                            "learning_rate": LEARNING_RATE, "batch_size": int(batch_size),
                            "max_epochs": int(epochs), "early_stopping_patience": PATIENCE},
        "seed": int(seed),
        "keras_version": keras.__version__,
        "tensorflow_version": tf.__version__,
        "training_seconds": round(seconds, 2),
        "trained_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    model_file.with_suffix(".json").write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", "utf-8")
    plot_history(curves, metadata["best_epoch"], out_dir / HISTORY_CHART)
    plot_confusion(targets[val_idx], predicted, out_dir / CONFUSION_CHART)
    return metrics


def build_and_compile(train_features: np.ndarray):
    import keras

    from models.recommender import build_model

    model = build_model(train_features)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=LEARNING_RATE),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def plot_history(curves: dict[str, list[float]], best_epoch: int, path: Path) -> None:
    """Loss and accuracy per epoch, train vs validation, with the restored epoch marked."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.5))
    FigureCanvasAgg(fig)
    epochs = np.arange(1, len(curves["loss"]) + 1)
    for ax, key, title in zip(fig.subplots(1, 2), ("loss", "accuracy"), ("Loss", "Accuracy")):
        ax.plot(epochs, curves[key], label="train")
        ax.plot(epochs, curves[f"val_{key}"], label="validation")
        ax.axvline(best_epoch, color="grey", linestyle=":", label=f"restored (epoch {best_epoch})")
        ax.set(title=title, xlabel="epoch", ylabel=key)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def _label_font() -> tuple[list[str], dict]:
    """Korean product codes when a CJK font is installed, else the catalogue's English names."""
    from matplotlib import font_manager

    for font in font_manager.fontManager.ttflist:
        if any(tag in font.name for tag in ("CJK", "Nanum", "Malgun", "Gothic", "Batang", "Gulim", "UnDotum")):
            return list(PRODUCT_CODES), {"fontproperties": font_manager.FontProperties(fname=font.fname)}
    return [PRODUCTS_BY_CODE[code].name_en for code in PRODUCT_CODES], {}


def plot_confusion(true: np.ndarray, predicted: np.ndarray, path: Path) -> None:
    """10x10 validation confusion matrix: counts in cells, colour by share of each true product."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n = len(PRODUCT_CODES)
    counts = np.zeros((n, n), dtype=np.int64)
    np.add.at(counts, (true, predicted), 1)
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    labels, font = _label_font()
    fig = Figure(figsize=(10, 9))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    image = ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    fig.colorbar(image, ax=ax, fraction=0.046, label="share of true product")
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=8,
                    color="white" if shares[i, j] > 0.5 else "black")
    ax.set_xticks(range(n), labels, rotation=45, ha="right", **font)
    ax.set_yticks(range(n), labels, **font)
    ax.set(xlabel="predicted", ylabel="true",
           title=f"Validation confusion matrix (accuracy {np.trace(counts) / counts.sum():.3f})")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
