"""The Keras recommender: definition, training, artifacts and fast NumPy serving.

Only this package may import TensorFlow/Keras, and only inside functions, so importing it stays cheap.
"""
