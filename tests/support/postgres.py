"""A throwaway PostgreSQL cluster for the tests (the implementation lives in bot.devservices)."""

from __future__ import annotations

from bot.devservices import PostgresCluster, start_cluster

__all__ = ["PostgresCluster", "start_cluster"]
