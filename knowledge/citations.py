"""Turn provision ids into the citation text a worker reads.

For example ``labor_contract_law:42`` → 《中华人民共和国劳动合同法》第四十二条.
"""

from __future__ import annotations

import cn2an

from knowledge.loader import KnowledgeBase, load_knowledge
from knowledge.models import Provision

__all__ = ["chinese_number", "citation_label", "cite"]


def chinese_number(number: int) -> str:
    """Article numbers as statutes write them: 十二 (not 一十二), 一百零一, 四十二."""
    text: str = cn2an.an2cn(number)
    if 10 <= number < 20 and text.startswith("一十"):
        text = text[1:]
    return text


def citation_label(provision: Provision) -> str:
    """The article part of a citation: 第四十二条, 第六条第二款, or the provision's own label."""
    if provision.label:
        return provision.label
    if provision.article is None:
        raise ValueError(f"{provision.id} has neither an article number nor a label")
    label = f"第{chinese_number(provision.article)}条"
    if provision.paragraph is not None:
        label += f"第{chinese_number(provision.paragraph)}款"
    return label


def cite(provision_id: str, base: KnowledgeBase | None = None) -> str:
    """Full citation text for a provision id, e.g. 《中华人民共和国劳动合同法》第四十二条."""
    knowledge = base or load_knowledge()
    provision = knowledge.provision(provision_id)
    law = knowledge.laws[provision.law_id]
    return f"《{law.name}》{citation_label(provision)}"
