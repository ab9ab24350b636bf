"""The ``hotline`` command line. Each module holds one group of commands."""
