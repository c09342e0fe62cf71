from envs.minecraft.knowledge import knowledge_documents
from envs.minecraft.sim.rules import rules
from memory.knowledge import KnowledgeStore


def store() -> KnowledgeStore:
    knowledge = KnowledgeStore()
    knowledge.add(knowledge_documents(rules()))
    return knowledge


def test_documents_cover_recipes_smelting_mining_and_mobs():
    titles = {title for title, _ in knowledge_documents(rules())}
    assert {"craft iron_pickaxe", "smelt iron_ingot", "mine diamond_ore", "kill cow", "how to obtain diamond"} <= titles
    bodies = dict(knowledge_documents(rules()))
    assert bodies["craft iron_pickaxe"] == "Craft 1 iron_pickaxe from 3 iron_ingot, 2 stick on a crafting table."
    assert bodies["mine diamond_ore"].startswith("diamond_ore needs diamond_pickaxe or iron_pickaxe or "
                                                 "netherite_pickaxe; it drops 1 diamond.")


def test_search_ranks_the_relevant_document_first(tmp_path):
    knowledge = store()
    size = len(knowledge)
    assert size > 600
    assert knowledge.search("how do I obtain a diamond?")[0].title == "how to obtain diamond"
    assert knowledge.search("craft iron_pickaxe")[0].title == "craft iron_pickaxe"
    assert knowledge.search("smelt iron ingot")[0].title == "smelt iron_ingot"
    knowledge.search('"); DROP TABLE knowledge; -- NEAR(* ^')  # only its words reach FTS5
    assert len(knowledge) == size
    assert knowledge.search("???") == []


def test_knowledge_persists_in_its_file(tmp_path):
    path = tmp_path / "knowledge.sqlite"
    first = KnowledgeStore(path)
    first.add([("note", "gold ore is mined with an iron pickaxe")])
    first.close()
    assert KnowledgeStore(path).search("gold")[0].body == "gold ore is mined with an iron pickaxe"
