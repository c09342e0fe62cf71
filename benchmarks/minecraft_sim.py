"""Embedded Minecraft world throughput and ore density: world generation time, primitive steps per
second, ore blocks per chunk.

World generation covers the area an episode starts with (EPISODE_RADIUS blocks around the
spawn, all 128 blocks high: 81 chunks); the ore counts are averaged over those chunks (1.16.5's
OreFeature gives about 3.7-4.0 diamond ore a chunk). Primitive steps mix walking, turning,
jumping and mining, as an agent's actions do, through a day and into the night (mobs spawn).

    python benchmarks/minecraft_sim.py [--seed 0] [--steps 20000] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from rich.console import Console

from envs.cli import ArgumentParser, run_command
from envs.minecraft.sim.engine import Engine, Player, Primitive
from envs.minecraft.sim.rules import rules
from envs.minecraft.sim.world import VoxelWorld

EPISODE_RADIUS = 64
MIX = (Primitive.FORWARD,) * 6 + (Primitive.TURN_LEFT, Primitive.JUMP, Primitive.ATTACK, Primitive.ATTACK,
                                  Primitive.RIGHT, Primitive.NOOP)


def benchmark(args: argparse.Namespace) -> int:
    console = Console(stderr=args.json)
    rules()  # minecraft-data loads once per process, outside the timing
    started = time.perf_counter()
    world = VoxelWorld(args.seed)
    chunks = world.ensure_area(0, 0, EPISODE_RADIUS)
    worldgen_s = time.perf_counter() - started
    spawn_y = world.surface_y(0, 0) + 1
    engine = Engine(world, rules(), Player(0.5, float(spawn_y), 0.5), seed=args.seed, max_steps=args.steps)
    started = time.perf_counter()
    for step in range(args.steps):
        engine.step(MIX[step % len(MIX)])
    steps_per_s = args.steps / (time.perf_counter() - started)
    ores = ore_per_chunk(VoxelWorld(args.seed), EPISODE_RADIUS)
    console.print(f"world generation: {chunks} chunks ({2 * EPISODE_RADIUS} x {2 * EPISODE_RADIUS} blocks) in "
                  f"{worldgen_s:.2f} s;  primitive steps: {steps_per_s:,.0f}/s "
                  f"({steps_per_s / 20:,.0f}x real time)")
    console.print("ore per chunk: " + ", ".join(f"{name.removesuffix('_per_chunk')} {value:.2f}"
                                                 for name, value in ores.items()))
    if args.json:
        print(json.dumps({"primitive_steps_per_s": round(steps_per_s, 1), "worldgen_s": round(worldgen_s, 3),
                          "chunks": chunks, "steps": args.steps, **ores}))
    return 0


def ore_per_chunk(world: VoxelWorld, radius: int) -> dict[str, float]:
    """Mean ore blocks per chunk over the chunks within `radius` of (0, 0)."""
    import numpy as np

    from envs.minecraft.sim.palette import ID
    from envs.minecraft.sim.worldgen import CHUNK

    chunks = [world.chunk(cx, cz) for cx in range(-radius // CHUNK, radius // CHUNK + 1)
              for cz in range(-radius // CHUNK, radius // CHUNK + 1)]
    blocks = np.stack(chunks)
    return {f"{ore}_per_chunk": round(float((blocks == ID[ore]).sum()) / len(chunks), 2)
            for ore in ("diamond_ore", "iron_ore", "coal_ore")}


def main(argv: list[str] | None = None) -> int:
    parser = ArgumentParser(prog="benchmarks/minecraft_sim.py", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--json", action="store_true")
    return run_command(benchmark, parser, argv)


if __name__ == "__main__":
    sys.exit(main())
