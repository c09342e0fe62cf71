"""Perception models (InternViT, FlashInternImage) and the perception Ray actor."""
