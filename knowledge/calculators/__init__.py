"""Calculators: a worker's facts in, her entitlement out, each figure with its legal basis.

Pure functions with no framework imports. Every result carries the provision ids it rests
on and, in plain Chinese, any caveat (for instance a provincial figure that is unconfirmed).
"""

from __future__ import annotations

from knowledge.calculators import basis

__all__ = ["cited_provision_ids"]


def cited_provision_ids() -> frozenset[str]:
    """Every national provision id the calculators cite.

    Provincial ids come from the province files themselves (``maternity.basis`` and so on)
    and are not listed here.
    """
    return (
        basis.LEAVE
        | basis.MISCARRIAGE
        | basis.NURSING
        | basis.PROTECTION
        | basis.ALLOWANCE
        | basis.ARBITRATION
        | basis.COMPENSATION
    )
