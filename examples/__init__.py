"""Examples of agents built from mllm-pilot's public pieces (see README: Write your own agent)."""
