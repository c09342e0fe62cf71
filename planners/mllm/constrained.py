"""Decoding under a JSON schema with xgrammar: a logits processor masks, at every step, the tokens
that would take the answer out of the schema's grammar, so the driving decision and the Minecraft
plan come out valid by construction (the end of turn is allowed only once the JSON is whole).

Why xgrammar: it compiles a JSON schema to a pushdown automaton over the tokenizer's vocabulary in
C++ and applies a bitmask per step (microseconds, CPU or GPU), has a transformers logits processor
of its own that takes one grammar per batch row, and is what vLLM and SGLang use for
`response_format`, so the same schemas behave the same in process and behind a server.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any


class SchemaDecoding:
    """Compiled grammars for one tokenizer; `processor(schemas)` is a logits processor for a batch."""

    def __init__(self, tokenizer, vocab_size: int, stop_ids: list[int]):
        import xgrammar as xgr

        info = xgr.TokenizerInfo.from_huggingface(tokenizer, vocab_size=vocab_size, stop_token_ids=stop_ids)
        self._compiler = xgr.GrammarCompiler(info)
        self._compile = lru_cache(maxsize=64)(self._compile_text)

    def _compile_text(self, schema_text: str):
        return self._compiler.compile_json_schema(schema_text, any_whitespace=False)

    def processor(self, schemas: list[dict[str, Any]]):
        import xgrammar.contrib.hf as xgr_hf

        return xgr_hf.LogitsProcessor([self._compile(json.dumps(schema)) for schema in schemas])  # key order kept
