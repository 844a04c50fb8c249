"""The NLU reads what the scorer reads: trainee text normalised by `foundation.normalize` first.

`TextNormalizer` runs ahead of the tokenizer. It brings the text to Simplified characters,
half-width letters and digits and single punctuation marks, so "妳這個月能先還1500嗎？？" reaches
the same Jieba tokens and character n-grams as "你这个月能先还1500吗？" and a Traditional-Chinese
trainee is understood as well as a Simplified one, with one set of training data.

`TextRestorer` runs last. It puts back the text the trainee typed and maps every entity span into
it, so the parse result, the tracker and the transcript keep the trainee's own words (the action
server scores and logs those) while the entity values stay normalised ("１５００" → "1500"), which
is what the engine's amount parser reads.

Both components' fingerprints cover their own code and `foundation/normalize.py`: a change to the
normalisation retrains the model instead of silently feeding it text it was not trained on.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START,
                                       ENTITY_ATTRIBUTE_VALUE, TEXT)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

import foundation.normalize
from foundation.normalize import NormalizedText, normalize

ORIGINAL_TEXT = "dojo_original_text"
_CODE_FILES = (Path(__file__), Path(foundation.normalize.__file__))


def code_fingerprint() -> str:
    """A digest of the code that decides what the model sees: this module and the normaliser."""
    digest = hashlib.sha256()
    for path in _CODE_FILES:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _normalized_index(normalized: NormalizedText, original_index: int) -> int:
    """Where an offset into the typed text lands in the normalised text (the start of a collapsed run)."""
    if normalized.origin is None:
        return original_index
    for index, origin in enumerate(normalized.origin):
        if origin >= original_index:
            return index
    return len(normalized.text)


class _NormalizationStep(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> GraphComponent:
        return cls()

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return code_fingerprint()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class TextNormalizer(_NormalizationStep):
    """Normalises each message's text (and moves training entity spans with it) before tokenising."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalize(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            self._normalize(message)
        return training_data

    @staticmethod
    def _normalize(message: Message) -> None:
        text = message.get(TEXT)
        if not text or message.get(ORIGINAL_TEXT) is not None:
            return
        normalized = normalize(text)
        if normalized.text == text:
            return
        message.set(ORIGINAL_TEXT, text)
        for entity in message.get(ENTITIES) or []:
            start, end = entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END]
            entity[ENTITY_ATTRIBUTE_START] = _normalized_index(normalized, start)
            entity[ENTITY_ATTRIBUTE_END] = _normalized_index(normalized, end)
            # A value that is just the marked words moves with them: left Traditional, it would teach
            # the synonym mapper that "下周三" means "下週三". A deliberate synonym stays as written.
            if entity.get(ENTITY_ATTRIBUTE_VALUE) == text[start:end]:
                entity[ENTITY_ATTRIBUTE_VALUE] = normalized.text[entity[ENTITY_ATTRIBUTE_START]:
                                                                 entity[ENTITY_ATTRIBUTE_END]]
        message.set(TEXT, normalized.text)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False)
class TextRestorer(_NormalizationStep):
    """Puts the typed text back at the end of the pipeline and maps entity spans into it."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            original = message.get(ORIGINAL_TEXT)
            if original is None:
                continue
            normalized = normalize(original)
            for entity in message.get(ENTITIES) or []:
                start, end = normalized.original_span(entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END])
                entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END] = start, end
            message.set(TEXT, original)
            message.data.pop(ORIGINAL_TEXT, None)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # Training examples keep their normalised text: nothing after this step reads them.
        return training_data
