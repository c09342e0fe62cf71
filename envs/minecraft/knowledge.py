"""Text knowledge about Minecraft 1.16.5 written from the rules: how each item is crafted,
smelted or mined, what tools and depths it needs, what mobs drop, where things are found.
These are the documents a GITM decomposer retrieves from."""

from __future__ import annotations

from envs.minecraft.obtaining import HOSTILE
from envs.minecraft.overworld import overworld
from envs.minecraft.sim.ore_features import ORES
from envs.minecraft.sim.rules import Rules

NOTES = (
    ("how to obtain diamond", "Diamonds come from diamond ore, found below y=16, most often around y=5 to 12. "
     "Mine it with an iron pickaxe or better; a stone or wooden pickaxe breaks it but drops nothing. Dig down "
     "to about y=12 and explore underground; avoid lava, which fills caves below y=11."),
    ("how to obtain iron ingot", "Mine iron ore (below y=64, common below y=40) with a stone pickaxe or "
     "better, then smelt it in a furnace with a fuel such as coal, charcoal or planks."),
    ("how to obtain log", "Logs come from trees on the surface: forests have many, plains a few, deserts none. "
     "Mine the trunk by hand or with an axe; every log makes 4 planks."),
    ("how to obtain cobblestone", "Mining stone with any pickaxe gives cobblestone; stone lies a few blocks "
     "under the surface everywhere, and makes up mountains."),
    ("how to obtain food", "Kill animals on grass (cow, pig, sheep, chicken) for raw meat and cook it in a "
     "furnace; apples sometimes drop from leaves."),
)


def knowledge_documents(rules: Rules) -> list[tuple[str, str]]:
    documents: list[tuple[str, str]] = list(NOTES)
    for item in sorted(rules._recipes):
        recipes = rules.recipes_for(item)
        first = recipes[0]
        needs = ", ".join(f"{n} {name}" for name, n in first.ingredients)
        table = "on a crafting table" if first.needs_table else "in the inventory's 2x2 grid"
        others = f" ({len(recipes) - 1} other recipe variants)" if len(recipes) > 1 else ""
        documents.append((f"craft {item}", f"Craft {first.count} {item} from {needs} {table}{others}."))
    for source, product in sorted(rules.smelting.items()):
        documents.append((f"smelt {product}", f"Smelt {source} in a furnace to get {product}; fuels: coal, "
                                              "charcoal, logs, planks."))
    ore_depth = {ore.block: (ore.min_y, ore.max_y - 1) for ore in ORES}
    world = overworld()
    for block, natural in world.blocks.items():
        if block in ("water", "lava") or not rules.is_breakable(block):
            continue
        data = rules.block(block)
        tools = data.get("harvestTools")
        tool_text = ("needs " + " or ".join(sorted(rules.item_name(int(t)) for t in tools))) if tools else \
            "can be mined by hand"
        drops = ", ".join(_drop_text(d) for d in rules.drops(block, _best_tool(rules, block))) or "nothing"
        depth = f" Found between y={ore_depth[block][0]} and y={ore_depth[block][1]}." if block in ore_depth else ""
        documents.append((f"mine {block}", f"{block} {tool_text}; it drops {drops}. Where: {natural.where}."
                                           f"{depth}"))
    for mob, natural in sorted(world.mobs.items()):
        loot = ", ".join(drop.item for drop in rules.mob_drops(mob) if drop.expected >= 0.3)
        kind = "a hostile mob" if mob in HOSTILE else "an animal"
        documents.append((f"kill {mob}", f"{mob}, {kind}, appears in {natural.where}; killing it drops "
                                         f"{loot or 'nothing'}."))
    for use in world.uses:
        also = f" and a {use.also}" if use.also else ""
        documents.append((f"apply {use.tool} to {use.target}", f"Apply {use.tool} to {use.target} to get "
                                                                f"{use.gives}{also}."))
    return documents


def _drop_text(drop) -> str:
    if drop.chance < 1.0:
        return f"{drop.item} ({100 * drop.chance:g} % of breaks)"
    return f"{drop.count} {drop.item}"


def _best_tool(rules: Rules, block: str) -> str | None:
    tools = rules.block(block).get("harvestTools")
    if not tools:
        return None
    return max((rules.item_name(int(t)) for t in tools), key=lambda name: rules.tool_speed(block, name))
