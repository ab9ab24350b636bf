"""Everything about the Rasa engine: HTTP client, model training, launch configuration.

The engine runs in its own Python 3.10 virtual environment; this package talks to it only
over HTTP (and starts it as a subprocess), never by importing Rasa.
"""
