"""Text memory and knowledge retrieval on SQLite."""
