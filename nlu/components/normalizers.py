"""Text normalisation for the Chinese pipeline (runs inside the Rasa engine, Python 3.10).

Workers write 懷孕 and 怀孕, ３ and 3, 三 and 叁 and 3. Two small components make those look
alike to the featurizers without moving a single character offset (entity spans in the
training data and in the engine's answers refer to the worker's original text):

* ``TextNormalizer`` (before the tokenizer): traditional → simplified with OpenCC and
  full-width → half-width, applied only when the text keeps its length.
* ``NumeralLemmatizer`` (after the tokenizer): each token's lemma gets Chinese numerals as
  digits with cn2an (七个月 → 7个月), so the featurizers (which read lemmas) see one form.
* ``OriginalTextRestorer`` (last): the parse returns the worker's own text again; entity
  offsets are unchanged, and entity values keep the normalised (simplified) form.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import cn2an
import opencc
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

ORIGINAL_TEXT = "hotline_original_text"
_NUMERAL_CHARS = set("零〇一二三四五六七八九十百千万两壹贰叁肆伍陆柒捌玖拾佰仟")


def _half_width(text: str) -> str:
    return "".join(
        unicodedata.normalize("NFKC", ch) if "\uff01" <= ch <= "\uff5e" or ch == "\u3000" else ch
        for ch in text
    )


class _PerMessage(GraphComponent):
    """Shared plumbing: apply ``_process`` to every training example and every message."""

    def _process(self, message: Message) -> None:
        raise NotImplementedError

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._process(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._process(message)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class TextNormalizer(_PerMessage):
    """Traditional → simplified and full-width → half-width, offsets preserved."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"traditional_to_simplified": True, "full_width_to_half_width": True}

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config
        self._converter = opencc.OpenCC("t2s") if config["traditional_to_simplified"] else None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TextNormalizer:
        return cls(config)

    def normalise(self, text: str) -> str:
        result = text
        if self._config["full_width_to_half_width"]:
            result = _half_width(result)
        if self._converter is not None:
            result = self._converter.convert(result)
        return result if len(result) == len(text) else text

    def _process(self, message: Message) -> None:
        text = message.get(TEXT)
        if text:
            normalised = self.normalise(text)
            if normalised != text:
                message.set(ORIGINAL_TEXT, text)
                message.set(TEXT, normalised)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class NumeralLemmatizer(_PerMessage):
    """Chinese numerals in token lemmas become digits (七个月 → 7个月); offsets untouched."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> NumeralLemmatizer:
        return cls()

    @staticmethod
    def lemma(word: str) -> str | None:
        if not any(ch in _NUMERAL_CHARS for ch in word):
            return None
        try:
            converted = str(cn2an.transform(word, "cn2an"))
        except (ValueError, KeyError, IndexError):
            return None
        return converted if converted != word else None

    def _process(self, message: Message) -> None:
        for token in message.get(TOKENS_NAMES[TEXT]) or []:
            lemma = self.lemma(token.text)
            if lemma is not None:
                token.lemma = lemma


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class OriginalTextRestorer(_PerMessage):
    """Puts back the text exactly as the worker wrote it, after the pipeline has run."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OriginalTextRestorer:
        return cls()

    def _process(self, message: Message) -> None:
        original = message.get(ORIGINAL_TEXT)
        if original:
            message.set(TEXT, original)
