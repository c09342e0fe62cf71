"""Sentence-embedding retrieval on a tiny BERT encoder the test builds, saves and loads back
through the same local-directory path users give (no hub)."""

import pytest
import torch
from tokenizers import Tokenizer, models, pre_tokenizers, trainers
from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

from envs.errors import UserInputError
from envs.minecraft.knowledge import knowledge_documents
from envs.minecraft.sim.rules import rules
from memory.embedding import ENV_VARIABLE, EmbeddingIndex, SentenceEncoder
from memory.knowledge import KnowledgeStore

DOCUMENTS = knowledge_documents(rules())[:120]


@pytest.fixture(scope="module")
def tiny_encoder_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-encoder")
    tokenizer = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.train_from_iterator([f"{t}. {b}" for t, b in DOCUMENTS],
                                  trainers.WordLevelTrainer(special_tokens=["[PAD]", "[UNK]"]))
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]")
    fast.save_pretrained(folder)
    torch.manual_seed(0)
    config = BertConfig(vocab_size=tokenizer.get_vocab_size(), hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=256)
    BertModel(config).save_pretrained(folder)
    return folder


def test_a_document_is_its_own_nearest_neighbour(tiny_encoder_dir):
    encoder = SentenceEncoder(tiny_encoder_dir)
    vectors = encoder.encode(["craft stick", "mine diamond_ore"])
    assert vectors.shape == (2, 32) and abs(float((vectors ** 2).sum(1)[0]) - 1.0) < 1e-5
    index = EmbeddingIndex(encoder)
    index.add(DOCUMENTS)
    title, body = DOCUMENTS[17]
    found = index.search(f"{title}. {body}", 3)
    assert (found[0][0], found[0][1]) == (title, body) and found[0][2] == pytest.approx(1.0, abs=1e-5)


def test_the_store_fuses_words_and_embeddings(tiny_encoder_dir):
    store = KnowledgeStore(encoder=SentenceEncoder(tiny_encoder_dir))
    store.add(DOCUMENTS)
    title, body = DOCUMENTS[5]
    results = store.search(f"{title}. {body}", 5)
    assert results[0].title == title and len(results) == 5
    assert [r.score for r in results] == sorted(r.score for r in results)


def test_the_agent_picks_the_encoder_from_the_environment(tiny_encoder_dir, monkeypatch):
    from agents.minecraft.runner import make_knowledge

    monkeypatch.setenv(ENV_VARIABLE, str(tiny_encoder_dir))
    assert make_knowledge().embeddings is not None
    monkeypatch.delenv(ENV_VARIABLE)
    assert make_knowledge().embeddings is None


def test_a_folder_without_a_model_is_a_clear_error(tmp_path, tiny_encoder_dir):
    with pytest.raises(UserInputError, match="no config.json"):
        SentenceEncoder(tmp_path)
    (tmp_path / "config.json").write_text((tiny_encoder_dir / "config.json").read_text())
    with pytest.raises(UserInputError, match="no weights"):
        SentenceEncoder(tmp_path)
