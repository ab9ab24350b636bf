"""Everything about the Rasa engine: HTTP client, model training, launch configuration.

The engine runs in its own Python 3.10 virtual environment; the application talks to it only
over HTTP (and starts it as a subprocess), never by importing Rasa. Two modules here are the
exception that proves it: ``launcher.py`` and ``lock_store.py`` run *inside* the engine
process (by path, or named in endpoints.yml) and are never imported by the application.
"""
