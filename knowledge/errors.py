"""The one exception tree of the knowledge package.

Callers (actions, CLI, web routes) catch ``KnowledgeError`` and turn it into a clear
message; they never see a bare ``KeyError`` or ``ValueError`` from domain code.
"""

from __future__ import annotations

__all__ = [
    "InvalidFactsError",
    "KnowledgeDataError",
    "KnowledgeError",
    "UnknownProvinceError",
    "UnknownProvisionError",
]


class KnowledgeError(Exception):
    """Base class of every error raised by ``knowledge``."""


class KnowledgeDataError(KnowledgeError):
    """A data file is malformed or inconsistent (found when loading)."""


class UnknownProvisionError(KnowledgeError, LookupError):
    """A provision id was asked for that the knowledge base does not hold."""

    def __init__(self, provision_id: str) -> None:
        super().__init__(f"unknown provision: {provision_id}")
        self.provision_id = provision_id


class UnknownProvinceError(KnowledgeError, LookupError):
    """A province name could not be resolved to one of the 31 provincial-level regions."""

    def __init__(self, name: str) -> None:
        super().__init__(f"未知的省份：{name}")
        self.name = name


class InvalidFactsError(KnowledgeError, ValueError):
    """The worker's facts given to a calculator are impossible or out of range.

    The message is Simplified Chinese because it is shown to the worker or operator.
    """
