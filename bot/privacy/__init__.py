"""Personal data under PIPL: how long conversations and bookings are kept, and their erasure.

``retention`` holds the rules (plain Python); ``conversations`` and ``redis_keys`` apply them
to the tracker store and to Redis; ``service`` runs every kind of erasure for
``hotline purge``. The encryption of names and phone numbers in the tracker store itself is
``flows/tracker_store.py`` (it runs inside the Rasa engine).
"""
