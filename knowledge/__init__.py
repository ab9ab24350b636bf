"""Legal knowledge: statutes and provincial rules as data, answers, and calculators.

Pure Python: nothing here imports Rasa, a web framework, a platform SDK or an ORM.
"""
