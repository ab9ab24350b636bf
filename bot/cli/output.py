"""Shared output helpers: JSON for machines, readable Chinese for people, clear errors."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer

__all__ = ["EXIT_UNAVAILABLE", "EXIT_USAGE", "fail", "print_json"]

EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print a clear message on stderr and exit with ``code``."""
    typer.echo(message, err=True)
    raise typer.Exit(code)
