"""InternVL-family chat models in process through transformers' native InternVL classes."""
