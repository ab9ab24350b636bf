"""Find the provisions and answers most relevant to a free-text question.

Used by the operator console (suggestions while a caller speaks) and as the fallback when
the dialogue engine is down, so it must work without the engine: BM25 (``bm25s``) over
jieba-segmented text. Provisions are indexed on their text, summary and topics together
with the law's short name; answers on their title and every variant's text. The index is
built once per knowledge base and cached.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Literal

import bm25s
import jieba

from knowledge.citations import citation_label
from knowledge.loader import KnowledgeBase, load_knowledge

__all__ = ["Hit", "search", "tokenize"]

jieba.setLogLevel(logging.WARNING)
logger = logging.getLogger(__name__)

INTENT_BOOST = 1.5  # answers for the given intent, and the provisions they cite
_WORD = re.compile(r"[\w\u4e00-\u9fff]+")
_STOPWORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "我",
        "你",
        "他",
        "她",
        "它",
        "我们",
        "是",
        "在",
        "有",
        "和",
        "与",
        "及",
        "或",
        "就",
        "都",
        "也",
        "还",
        "要",
        "会",
        "能",
        "可以",
        "怎么",
        "怎么办",
        "什么",
        "如何",
        "为什么",
        "多少",
        "请问",
        "一下",
        "这个",
        "那个",
        "这样",
        "那样",
        "被",
        "把",
        "给",
        "对",
        "让",
        "个",
        "么",
    ]
)


@dataclass(frozen=True)
class Hit:
    """One search result: a provision or an answer, with its score."""

    kind: Literal["provision", "answer"]
    id: str
    score: float
    title: str
    snippet: str

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "id": self.id,
            "score": round(self.score, 4),
            "title": self.title,
            "snippet": self.snippet,
        }


def tokenize(text: str) -> list[str]:
    """jieba search-mode tokens without punctuation or stop words."""
    tokens = []
    for token in jieba.cut_for_search(text.lower()):
        token = token.strip()
        if token and _WORD.fullmatch(token) and token not in _STOPWORDS:
            tokens.append(token)
    return tokens


@dataclass(frozen=True)
class _Doc:
    kind: Literal["provision", "answer"]
    id: str
    title: str
    snippet: str
    text: str
    cites: frozenset[str]


@dataclass(frozen=True)
class _Index:
    docs: tuple[_Doc, ...]
    retriever: bm25s.BM25 | None


def _documents(base: KnowledgeBase) -> list[_Doc]:
    docs: list[_Doc] = []
    for provision in base.provisions.values():
        law = base.laws.get(provision.law_id)
        law_name = law.short_name if law else provision.law_id
        try:
            label = citation_label(provision)
        except ValueError:
            label = ""
        docs.append(
            _Doc(
                kind="provision",
                id=provision.id,
                title=f"{law_name}{label}",
                snippet=provision.summary,
                text=" ".join([law_name, provision.summary, provision.text, *provision.topics]),
                cites=frozenset(),
            )
        )
    for answer in base.answers.values():
        texts = [answer.title]
        cites: set[str] = set()
        for variant in answer.variants:
            texts.append(variant.short)
            cites.update(variant.short_cites)
            for segment in variant.segments:
                texts.append(segment.text)
                cites.update(segment.cites)
        default = answer.variant(None)
        docs.append(
            _Doc(
                kind="answer",
                id=answer.intent,
                title=answer.title,
                snippet=default.short,
                text=" ".join(texts),
                cites=frozenset(cites),
            )
        )
    return docs


_CACHE: dict[int, tuple[KnowledgeBase, _Index]] = {}
_CACHE_SIZE = 4


def _index_for(base: KnowledgeBase) -> _Index:
    """The index of ``base``, built on first use (keyed by identity: the base is immutable)."""
    cached = _CACHE.get(id(base))
    if cached is not None and cached[0] is base:
        return cached[1]
    index = _build(base)
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[id(base)] = (base, index)
    return index


def _build(base: KnowledgeBase) -> _Index:
    docs = tuple(_documents(base))
    if not docs:
        return _Index(docs, None)
    retriever = bm25s.BM25()
    retriever.index([tokenize(doc.text) or ["\u3000"] for doc in docs], show_progress=False)
    logger.info("retrieval index built over %d documents", len(docs))
    return _Index(docs, retriever)


def search(
    question: str,
    *,
    intent: str | None = None,
    limit: int = 5,
    kind: Literal["provision", "answer"] | None = None,
    base: KnowledgeBase | None = None,
) -> list[Hit]:
    """The ``limit`` most relevant provisions and answers for ``question``, best first.

    With ``intent`` (from the NLU), that intent's answer and the provisions it cites are
    boosted, and the answer is included even when the words do not match. ``kind``
    restricts the results to provisions or answers. Only hits with a positive score are
    returned.
    """
    knowledge = base or load_knowledge()
    index = _index_for(knowledge)
    if index.retriever is None or limit <= 0:
        return []
    tokens = tokenize(question)
    scores = [0.0] * len(index.docs)
    if tokens:
        scores = [float(score) for score in index.retriever.get_scores(tokens)]
    boosted_ids: frozenset[str] = frozenset()
    if intent is not None:
        answer_doc = next((d for d in index.docs if d.kind == "answer" and d.id == intent), None)
        if answer_doc is not None:
            boosted_ids = answer_doc.cites | {intent}
    best = max(scores, default=0.0)
    hits: list[Hit] = []
    for doc, score in zip(index.docs, scores, strict=True):
        if kind is not None and doc.kind != kind:
            continue
        if doc.id in boosted_ids and (doc.kind == "answer" or score > 0):
            score = score * INTENT_BOOST if score > 0 else (best or 1.0)
        if score <= 0:
            continue
        hits.append(Hit(doc.kind, doc.id, score, doc.title, doc.snippet))
    hits.sort(key=lambda hit: (-hit.score, hit.kind, hit.id))
    return hits[:limit]
