"""GITM's `apply`: use an item on a mob or a block, by the Overworld's uses (overworld.yaml).

Shears on a sheep give 1-3 wool and leave it sheared (as it stays in this world: sheep do not
regrow wool within an episode); a bucket on a cow gives milk, on water or lava a filled bucket;
a water bucket on a fish catches it; shears carve a pumpkin (4 seeds and a carved pumpkin); an
axe strips a log; concrete powder set in water hardens. The player walks next to the mob, or
within reach of the nearest such block it has seen; a block the use takes is removed. A tool
that is not used up wears by one use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from envs.minecraft.overworld import overworld
from envs.minecraft.sim.mobs import HOSTILE, PASSIVE
from envs.minecraft.sim.palette import AIR, ID
from envs.minecraft.sim.sight import SIGHT_RANGE

if TYPE_CHECKING:
    from envs.minecraft.sim.actions import StructuredActions

REACH_MOVES = 40


def apply(actions: StructuredActions, object: str, tool: str) -> tuple[bool, str]:
    player, engine = actions.player, actions.engine
    uses = overworld().uses_on(object, tool)
    if not uses:
        known = sorted({use.target for use in overworld().uses if use.tool == tool})
        told = f"{tool} can be applied to {', '.join(known)}" if known else f"{tool} is not applied to anything"
        return False, f"cannot apply {tool} to {object}: {told}"
    use = uses[0]
    if player.inventory[tool] < 1:
        return False, f"cannot apply {tool} to {object}: no {tool} in the inventory"
    if object in PASSIVE or object in HOSTILE:
        wanted = (lambda mob: not mob.sheared) if use.tool == "shears" else None
        mob = actions.mob_in_view(object, wanted)
        if mob is None:
            what = "an unsheared " if wanted else "a "
            return False, f"cannot apply {tool} to {object}: {what}{object} is not in sight; explore first"
        for _ in range(REACH_MOVES):
            if actions.next_to(mob):
                break
            problem = actions.step_to_mob(mob, object)
            if problem:
                return False, f"cannot apply {tool} to {object}: {problem}"
        else:
            return False, f"cannot apply {tool} to {object}: the {object} got away"
        mob.sheared = mob.sheared or use.tool == "shears"
    else:
        if object not in ID:
            return False, f"cannot apply {tool} to {object}: there is none in this world"
        engine.look()
        target = actions.find([object])
        if target is None:
            return False, f"cannot apply {tool} to {object}: none seen within {SIGHT_RANGE} blocks; explore first"
        if actions.distance_to(player.cell(), target) > 4.0:
            reached, feedback = actions.go_next_to(target, object)
            if not reached:
                return False, feedback
        if use.removes:
            engine.set_block(*target, AIR)
    engine.spend(1)
    if use.consumed:
        player.inventory.remove(tool)
    else:
        engine.wear(tool, 1)
    count = engine.rng.randint(use.min, use.max)
    player.inventory.add(use.gives, count)
    gained = f"{count} {use.gives}"
    if use.also:
        player.inventory.add(use.also)
        gained += f" and 1 {use.also}"
    return True, f"used {tool} on {object}: got {gained}"
