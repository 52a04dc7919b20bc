"""The recommender network: six features in, a probability for each of the ten products out."""
from __future__ import annotations

import numpy as np

from db.catalog import PRODUCT_CODES
from core.features import FEATURES

HIDDEN_UNITS: tuple[int, ...] = (30, 15)
HIDDEN_ACTIVATION = "elu"


def build_model(normalizer_data: np.ndarray):
    """Normalization adapted on `normalizer_data` (the training split) and saved inside the model, then an ELU MLP."""
    import keras

    data = np.asarray(normalizer_data, dtype=np.float32)
    if data.ndim != 2 or data.shape[1] != len(FEATURES) or len(data) == 0:
        raise ValueError(f"normalizer_data must have shape (n, {len(FEATURES)}) with n > 0, got {data.shape}")
    normalizer = keras.layers.Normalization(axis=-1, name="normalize")
    normalizer.adapt(data)
    inputs = keras.Input(shape=(len(FEATURES),), name="features")
    x = normalizer(inputs)
    for i, units in enumerate(HIDDEN_UNITS, start=1):
        x = keras.layers.Dense(units, activation=HIDDEN_ACTIVATION, name=f"hidden{i}")(x)
    outputs = keras.layers.Dense(len(PRODUCT_CODES), activation="softmax", name="products")(x)
    return keras.Model(inputs, outputs, name="recommender")
