"""Load benchmarks shipped with the project (``hotline bench ...``)."""
