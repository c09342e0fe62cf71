"""Item and block names between MineDojo (Minecraft 1.11.2: "log" with a variant, names with
spaces in observations) and the project (Minecraft 1.16 names from minecraft-data)."""

from __future__ import annotations

WOODS = ("oak", "spruce", "birch", "jungle", "acacia", "dark_oak")
COLORS = ("white", "orange", "magenta", "light_blue", "yellow", "lime", "pink", "gray", "light_gray", "cyan",
          "purple", "blue", "brown", "green", "red", "black")

# 1.11 names with variants -> the 1.16 name of each variant
VARIANTS: dict[str, tuple[str, ...]] = {
    "log": ("oak_log", "spruce_log", "birch_log", "jungle_log"),
    "log2": ("acacia_log", "dark_oak_log"),
    "planks": tuple(f"{w}_planks" for w in WOODS),
    "leaves": ("oak_leaves", "spruce_leaves", "birch_leaves", "jungle_leaves"),
    "leaves2": ("acacia_leaves", "dark_oak_leaves"),
    "sapling": tuple(f"{w}_sapling" for w in WOODS),
    "stone": ("stone", "granite", "polished_granite", "diorite", "polished_diorite", "andesite", "polished_andesite"),
    "dirt": ("dirt", "coarse_dirt", "podzol"),
    "sand": ("sand", "red_sand"),
    "coal": ("coal", "charcoal"),
    "wool": tuple(f"{c}_wool" for c in COLORS),
    "carpet": tuple(f"{c}_carpet" for c in COLORS),
    "stained_glass": tuple(f"{c}_stained_glass" for c in COLORS),
    "stained_hardened_clay": tuple(f"{c}_terracotta" for c in COLORS),
    "wooden_slab": tuple(f"{w}_slab" for w in WOODS),
    "red_flower": ("poppy", "blue_orchid", "allium", "azure_bluet", "red_tulip", "orange_tulip", "white_tulip",
                   "pink_tulip", "oxeye_daisy"),
    "fish": ("cod", "salmon", "tropical_fish", "pufferfish"),
    "cooked_fish": ("cooked_cod", "cooked_salmon"),
    "dye": ("ink_sac", "red_dye", "green_dye", "cocoa_beans", "lapis_lazuli", "purple_dye", "cyan_dye",
            "light_gray_dye", "gray_dye", "pink_dye", "lime_dye", "yellow_dye", "light_blue_dye", "magenta_dye",
            "orange_dye", "bone_meal"),
    "stonebrick": ("stone_bricks", "mossy_stone_bricks", "cracked_stone_bricks", "chiseled_stone_bricks"),
    "sandstone": ("sandstone", "chiseled_sandstone", "cut_sandstone"),
    "tallgrass": ("dead_bush", "grass", "fern"),
}
# 1.11 names that were renamed without variants
RENAMED = {
    "grass": "grass_block", "reeds": "sugar_cane", "yellow_flower": "dandelion", "deadbush": "dead_bush",
    "waterlily": "lily_pad", "web": "cobweb", "snow_layer": "snow", "snow": "snow_block",
    "hardened_clay": "terracotta", "brick_block": "bricks", "nether_brick": "nether_bricks",
    "netherbrick": "nether_brick", "quartz_ore": "nether_quartz_ore", "magma": "magma_block",
    "slime": "slime_block", "melon_block": "melon", "melon": "melon_slice", "speckled_melon": "glistering_melon_slice",
    "lit_pumpkin": "jack_o_lantern", "noteblock": "note_block", "mob_spawner": "spawner",
    "golden_rail": "powered_rail", "fence": "oak_fence", "fence_gate": "oak_fence_gate", "wooden_door": "oak_door",
    "boat": "oak_boat", "sign": "oak_sign", "trapdoor": "oak_trapdoor", "wooden_button": "oak_button",
    "wooden_pressure_plate": "oak_pressure_plate", "bed": "red_bed", "skull": "skeleton_skull",
    "fireworks": "firework_rocket", "firework_charge": "firework_star", "chorus_fruit_popped": "popped_chorus_fruit",
    "end_bricks": "end_stone_bricks", "monster_egg": "infested_stone", "stone_slab": "smooth_stone_slab",
    "lit_furnace": "furnace", "lit_redstone_ore": "redstone_ore", "flowing_water": "water", "flowing_lava": "lava",
}
OURS_TO_THEIRS: dict[str, tuple[str, int]] = {}
for old, new_names in VARIANTS.items():
    for index, new in enumerate(new_names):
        OURS_TO_THEIRS.setdefault(new, (old, index))
for old, new in RENAMED.items():
    OURS_TO_THEIRS.setdefault(new, (old, 0))


def to_ours(name: str, variant: int = 0) -> str:
    """A MineDojo name (spaces or underscores, optional "minecraft:") and variant -> ours."""
    base = name.removeprefix("minecraft:").strip().replace(" ", "_")
    if base in VARIANTS:
        names = VARIANTS[base]
        return names[variant] if 0 <= variant < len(names) else names[0]
    return RENAMED.get(base, base)


def to_minedojo(name: str) -> tuple[str, int]:
    """Our name -> (MineDojo's name with underscores, variant)."""
    return OURS_TO_THEIRS.get(name, (name, 0))
