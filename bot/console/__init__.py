"""The operator console (agent assist) and the human-handoff desk.

``handoff`` holds the queue of conversations waiting for a person and the operators on duty
(Redis only, no web code); ``suggest`` builds the suggested replies from the engine's parse
and the legal knowledge; ``views`` is the thin web layer under ``/console`` and
``/api/v1/suggest``.
"""
