"""Prompts for LLM Minecraft planners in GITM's four parts: the action interface, a query
illustration, the response format and the interaction guideline; plus the query itself."""

from __future__ import annotations

from planners.minecraft.context import PlanContext

ACTION_INTERFACE = """Actions you can use (args in parentheses):
- equip(object): hold an item from the inventory.
- explore(object, strategy): look for a block or mob; strategy is "surface" or "underground".
- approach(object): walk next to the nearest such block.
- mine(object, tool): break the nearest such block and collect what it drops.
- attack(object, tool): kill the nearest such mob.
- dig_down(ylevel, tool, collect, count): dig straight down to a y level; collect (optional) names a block
  to mine where it shows in the shaft's walls on the way (the ore you dig down for), count of them at most.
- go_up(tool): climb back to the surface.
- craft(object, materials, tool, count): craft an item; 3x3 recipes need a crafting table nearby or carried.
- smelt(object, materials, tool, count): smelt materials into object in a furnace, burning fuel you carry.
- apply(object, tool): use a tool on a mob or block: shears on a sheep, a bucket on a cow or water, an axe on a log.
- place(object, tool): put a block from the inventory next to you.
- build(blueprint): place blocks by "dx,dy,dz:block; ..." relative to your feet.
- eat(object): eat a food from the inventory (health only regenerates when food is 18 or more)."""

QUERY_ILLUSTRATION = """A query gives the goal, the current sub-goal (object, count, how: mine/craft/smelt/attack/apply,
and for what comes by chance how many one try gives on average),
your inventory, what you hold, life and food, your y level and biome, the blocks and mobs you have
seen (you know only what you have seen: blocks inside rock are unknown), a reference plan that worked
before (if any), the actions that failed for this sub-goal with their feedback, and knowledge."""

RESPONSE_FORMAT = """Answer with JSON only:
{"explanation": "<why this plan>", "thoughts": "<what you considered>",
 "action_list": [{"name": "<action>", "args": {"<arg>": "<value>"}, "expectation": "<what should happen>"}]}"""

INTERACTION_GUIDELINE = """Guidelines: plan only for the current sub-goal; use only items you have or will have;
when an action failed, read its feedback and change the plan instead of repeating it; prefer the reference
plan when there is one; ores lie underground (diamonds below y=16), so dig down before exploring for them."""


def system_prompt() -> str:
    return "\n\n".join(("You are the planner of a Minecraft agent.", ACTION_INTERFACE, QUERY_ILLUSTRATION,
                        RESPONSE_FORMAT, INTERACTION_GUIDELINE))


def query(context: PlanContext) -> str:
    goal = context.sub_goal
    how = goal.method + (f" {goal.source}" if goal.source else "") + (f" with {goal.tool}" if goal.tool else "")
    if goal.per_action < 1.0:
        how += f", {goal.per_action:g} a try"
    lines = [f"Goal: {context.goal}", f"Sub-goal: obtain {goal.count} {goal.object} ({how})",
             f"Inventory: {context.inventory or 'empty'}", f"Holding: {context.equipped or 'nothing'}",
             f"Life: {context.life:g}/20, food: {context.food:g}/20",
             f"Position: y={context.y_level}, biome {context.biome}",
             f"Blocks seen: {context.seen_blocks or 'none'}", f"Mobs in sight: {context.seen_mobs or 'none'}"]
    if context.reference_plan:
        lines.append("Reference plan: " + "; ".join(f"{a.name}({a.args})" for a in context.reference_plan))
    for failure in context.failures[-5:]:
        lines.append(f"Failed: {failure.action.name}({failure.action.args}) -> {failure.message}")
    if context.knowledge:
        lines.append("Knowledge:\n" + "\n".join(f"- {k}" for k in context.knowledge))
    return "\n".join(lines)
