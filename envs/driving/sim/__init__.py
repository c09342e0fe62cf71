"""The embedded driving simulator: carla.Map geometry, SUMO traffic, our ego car and sensors."""
