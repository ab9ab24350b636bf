"""NLU tooling: evaluation metrics and data tools (the Rasa data itself lives in nlu/data)."""
