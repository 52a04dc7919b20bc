"""The Gradio app's pieces: labels, escaped rendering, charts and the event handlers demo.py wires up."""
