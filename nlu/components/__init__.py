"""Custom Rasa 3.6 NLU components. They run inside the engine's Python 3.10 environment only."""
