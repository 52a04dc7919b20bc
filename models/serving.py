"""Fast recommender inference: the saved Keras weights evaluated with NumPy, loaded once per process.

`model.predict` costs milliseconds of TensorFlow overhead per call; this forward pass costs microseconds.
The weights are read straight from the `.keras` archive (a zip holding config.json and an HDF5 file in
Keras' own layout), so serving does not import TensorFlow; if that layout is ever not recognised, the
archive is loaded through Keras instead and the same arrays are taken from its layers.
"""
from __future__ import annotations

import io
import json
import re
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.errors import BadInput, ModelUnavailable
from core.features import FEATURES
from core.paths import DEFAULT_MODEL_FILE

KERAS_EPSILON = 1e-7  # keras.backend.epsilon(): Normalization divides by max(sqrt(variance), epsilon)
ACTIVATIONS = ("elu", "relu", "linear", "softmax")

_cache: dict[tuple[Path, int], Recommender] = {}
_cache_lock = threading.Lock()


def load_metadata(path: Path | str | None = None) -> dict:
    """The model's JSON metadata (features, labels, accuracy, per-feature stats) without loading the model."""
    json_path = Path(path if path is not None else DEFAULT_MODEL_FILE).with_suffix(".json")
    try:
        return json.loads(json_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ModelUnavailable(f"missing {json_path.name}; run `python -m engine train`") from exc
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(f"unreadable {json_path.name}") from exc


@dataclass(frozen=True)
class DenseLayer:
    kernel: np.ndarray
    bias: np.ndarray
    activation: str


@dataclass(frozen=True)
class Recommender:
    """Normalization constants plus Dense layers, evaluated with NumPy; immutable, so safe to share across threads."""

    mean: np.ndarray
    scale: np.ndarray
    layers: tuple[DenseLayer, ...]
    class_labels: tuple[str, ...]
    metadata: dict = field(compare=False, repr=False)
    path: Path | None = None

    @classmethod
    def load(cls, path: Path | str | None = None) -> Recommender:
        """The recommender saved at `path` (default models/recommender.keras), read once per file version."""
        model_file = Path(path if path is not None else DEFAULT_MODEL_FILE).resolve()
        try:
            key = (model_file, model_file.stat().st_mtime_ns)
        except OSError as exc:
            raise ModelUnavailable(f"missing {model_file.name}; run `python -m engine train`") from exc
        with _cache_lock:
            if key not in _cache:
                _cache[key] = cls._read(model_file)
            return _cache[key]

    @classmethod
    def _read(cls, model_file: Path) -> Recommender:
        metadata = load_metadata(model_file)
        if list(metadata.get("features", [])) != list(FEATURES):
            raise ModelUnavailable(f"{model_file.name} was trained on other features: {metadata.get('features')}")
        try:
            mean, variance, dense = read_archive_weights(model_file)
        except (KeyError, ValueError, ImportError):
            mean, variance, dense = read_keras_weights(model_file)
        return cls.from_weights(mean, variance, dense, tuple(metadata["class_labels"]), metadata, model_file)

    @classmethod
    def from_weights(cls, mean, variance, dense, class_labels, metadata=None, path=None) -> Recommender:
        """Build from raw weights, checking that the shapes chain from six features to one output per label."""
        mean = np.asarray(mean, dtype=np.float32).reshape(-1)
        # Same float32 arithmetic as keras.layers.Normalization.call.
        scale = np.maximum(np.sqrt(np.asarray(variance, dtype=np.float32).reshape(-1)), np.float32(KERAS_EPSILON))
        layers = tuple(DenseLayer(np.asarray(k, np.float64), np.asarray(b, np.float64), a) for k, b, a in dense)
        width = len(FEATURES)
        if mean.shape != (width,) or scale.shape != (width,) or not layers:
            raise ModelUnavailable("normalization weights do not match the six features")
        for layer in layers:
            if layer.kernel.shape[0] != width or layer.bias.shape != (layer.kernel.shape[1],):
                raise ModelUnavailable("dense layer shapes do not chain")
            if layer.activation not in ACTIVATIONS:
                raise ModelUnavailable(f"unsupported activation {layer.activation!r}")
            width = layer.kernel.shape[1]
        if width != len(class_labels) or layers[-1].activation != "softmax":
            raise ModelUnavailable(f"model outputs {width} values for {len(class_labels)} class labels")
        return cls(mean, scale, layers, tuple(class_labels), dict(metadata or {}), path)

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """P(product) per row, shape (n, len(class_labels)); one row of six features may be passed as a vector."""
        try:
            x = np.asarray(features, dtype=np.float32)
        except (TypeError, ValueError) as exc:
            raise BadInput("features must be numbers") from exc
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != len(FEATURES):
            raise BadInput(f"expected {len(FEATURES)} features per row ({', '.join(FEATURES)}), got shape {x.shape}")
        if not np.isfinite(x).all():
            raise BadInput("features must be finite numbers")
        h = ((x - self.mean) / self.scale).astype(np.float64)
        for layer in self.layers:
            h = _activate(h @ layer.kernel + layer.bias, layer.activation)
        return h


def _activate(z: np.ndarray, activation: str) -> np.ndarray:
    if activation == "elu":
        return np.where(z > 0, z, np.expm1(np.minimum(z, 0)))
    if activation == "relu":
        return np.maximum(z, 0)
    if activation == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return z


def _snake_case(name: str) -> str:
    """keras.src.utils.naming.to_snake_case, which names each layer's group in the weights file."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def read_archive_weights(model_file: Path) -> tuple[np.ndarray, np.ndarray, list[tuple]]:
    """(mean, variance, [(kernel, bias, activation)]) from a .keras zip without importing Keras.

    Keras stores each layer under `layers/<snake_case class>[_<n>]/vars/<i>`, numbered per class in
    model.layers order; raises KeyError/ValueError when the archive does not look like that.
    """
    import h5py

    try:
        with zipfile.ZipFile(model_file) as archive:
            config = json.loads(archive.read("config.json"))
            weights = archive.read("model.weights.h5")
    except (OSError, zipfile.BadZipFile) as exc:
        raise ModelUnavailable(f"{model_file.name} is not a readable .keras archive") from exc
    normalization, dense, used = [], [], {}
    with h5py.File(io.BytesIO(weights), "r") as store:
        for layer in config["config"]["layers"]:
            base = _snake_case(layer["class_name"])
            group = base if base not in used else f"{base}_{used[base]}"
            used[base] = used.get(base, 0) + 1
            if layer["class_name"] == "Normalization":
                normalization.append([store[f"layers/{group}/vars/{i}"][()] for i in (0, 1)])
            elif layer["class_name"] == "Dense":
                kernel, bias = (store[f"layers/{group}/vars/{i}"][()] for i in (0, 1))
                dense.append((kernel, bias, layer["config"]["activation"]))
            elif layer["class_name"] != "InputLayer":
                raise ValueError(f"unexpected layer {layer['class_name']}")
    if len(normalization) != 1:
        raise ValueError("expected exactly one Normalization layer")
    return normalization[0][0], normalization[0][1], dense


def read_keras_weights(model_file: Path) -> tuple[np.ndarray, np.ndarray, list[tuple]]:
    """The same arrays as read_archive_weights, taken from the model Keras itself loads (imports TensorFlow)."""
    import keras

    try:
        model = keras.models.load_model(model_file, compile=False)
    except Exception as exc:  # Keras raises many types for a corrupt or foreign file
        raise ModelUnavailable(f"{model_file.name} could not be loaded by Keras") from exc
    normalizers = [layer for layer in model.layers if isinstance(layer, keras.layers.Normalization)]
    if len(normalizers) != 1:
        raise ModelUnavailable("expected exactly one Normalization layer")
    mean, variance = (np.asarray(w) for w in normalizers[0].get_weights()[:2])
    dense = [
        (*(np.asarray(w) for w in layer.get_weights()), keras.activations.serialize(layer.activation))
        for layer in model.layers
        if isinstance(layer, keras.layers.Dense)
    ]
    return mean, variance, dense
