"""Booking: stations' schedules, slots, appointments and the rules that keep them honest.

The modules here are plain Python (no web, Rasa or ORM session code) except
``service.py``, which holds the keyword-only database functions the CLI, the staff
dashboard and the Rasa actions call. The caller owns the transaction and commits once.
"""
