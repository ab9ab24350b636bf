"""Split a worker's message into clauses, to find a second problem raised in the same message.

Why clauses: a classifier's second-ranked intent is a poor signal (it is often just a
neighbour of the first). Classifying each clause on its own and finding a different,
confident domain intent found the second problem in 90% of the multi-problem test messages
with 8% false alarms on single-problem ones, against 67% / 19% for the ranking
(nlu/README.md).
"""

from __future__ import annotations

import re

__all__ = ["MAX_CLAUSES", "MIN_CLAUSE_CHARS", "split_clauses"]

MIN_CLAUSE_CHARS = 4
MAX_CLAUSES = 4

_SEPARATORS = re.compile(
    r"[，,。！!？?；;、\s]+|而且|还有|另外|并且|然后|同时|再说|顺便问|还想问|也想问"
)


def split_clauses(text: str) -> list[str]:
    """The clauses of ``text`` long enough to carry a problem, at most ``MAX_CLAUSES``.

    A message with a single clause yields an empty list: there is nothing to split.
    """
    parts = [part.strip() for part in _SEPARATORS.split(text)]
    clauses = [part for part in parts if len(part) >= MIN_CLAUSE_CHARS]
    if len(clauses) < 2:
        return []
    return clauses[:MAX_CLAUSES]
