"""DriveMLM's data engine: expert decisions with explanations recorded as InternVL fine-tuning data."""
