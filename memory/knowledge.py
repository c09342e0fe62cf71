"""Text knowledge on SQLite, retrieved with FTS5 full-text search (BM25 ranking), and with
sentence embeddings too when a local encoder is given (memory/embedding.py): the two rankings
are fused by reciprocal rank.

The store knows nothing of Minecraft: callers add (title, body) documents and ask
questions in plain words. Queries are reduced to words before they reach FTS5, so
punctuation in a planner's question can never break the search.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

WORD = re.compile(r"[A-Za-z0-9]+")
FUSION_K = 60  # reciprocal rank fusion: score = sum of 1 / (K + rank) over the rankings


@dataclass(frozen=True)
class KnowledgeEntry:
    title: str
    body: str
    score: float  # lower is better: BM25, or minus the fused reciprocal-rank score with embeddings


class KnowledgeStore:
    def __init__(self, path: str | Path = ":memory:", encoder=None):
        self.path = str(path)
        self.embeddings = None
        if encoder is not None:
            from memory.embedding import EmbeddingIndex

            self.embeddings = EmbeddingIndex(encoder)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path)
        # words split on underscores too, so 'iron_pickaxe' is found by 'iron pickaxe'
        self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS knowledge USING fts5(title, body, "
                        "tokenize = \"unicode61 separators '_'\")")

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM knowledge").fetchone()[0]

    def add(self, documents: list[tuple[str, str]]) -> None:
        with self.db:
            self.db.executemany("INSERT INTO knowledge (title, body) VALUES (?, ?)", documents)
        if self.embeddings is not None:
            self.embeddings.add(documents)

    def clear(self) -> None:
        with self.db:
            self.db.execute("DELETE FROM knowledge")

    def search(self, question: str, limit: int = 5) -> list[KnowledgeEntry]:
        lexical = self._search_words(question, limit if self.embeddings is None else 4 * limit)
        if self.embeddings is None:
            return lexical
        semantic = self.embeddings.search(question, 4 * limit)
        fused: dict[tuple[str, str], float] = {}
        for ranking in ([(e.title, e.body) for e in lexical], [(t, b) for t, b, _ in semantic]):
            for rank, key in enumerate(ranking):
                fused[key] = fused.get(key, 0.0) + 1.0 / (FUSION_K + rank + 1)
        best = sorted(fused.items(), key=lambda item: -item[1])[:limit]
        return [KnowledgeEntry(title, body, -score) for (title, body), score in best]

    def _search_words(self, question: str, limit: int) -> list[KnowledgeEntry]:
        words = [w.lower() for w in WORD.findall(question.replace("_", " "))]
        if not words:
            return []
        query = " OR ".join(f'"{word}"' for word in dict.fromkeys(words))
        rows = self.db.execute("SELECT title, body, bm25(knowledge, 5.0, 1.0) AS score FROM knowledge "
                               "WHERE knowledge MATCH ? ORDER BY score LIMIT ?", (query, limit)).fetchall()
        return [KnowledgeEntry(title, body, float(score)) for title, body, score in rows]

    def close(self) -> None:
        self.db.close()
