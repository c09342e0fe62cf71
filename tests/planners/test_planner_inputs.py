"""What the MLLM driving planner is given: images (camera, BEV, ego speed, route command) or
images+scene (plus the scene description from privileged truth), as the data engine records them."""

import numpy as np

from planners.driving.llm_planner import LLMDrivingPlanner
from tests.planners.helpers import context
from tests.planners.test_minecraft_llm import ScriptedModel

ANSWER = '{"speed": "KEEP", "path": "FOLLOW_LANE", "explanation": "clear road"}'


class ImageCountingModel(ScriptedModel):
    def complete(self, system, user, images=None):
        self.images = images
        return super().complete(system, user, images)


def test_images_only_leaves_the_scene_description_out():
    scene = context(images={"front": np.zeros((9, 16, 3), np.uint8)}, bev=np.zeros((9, 32, 32), np.uint8))
    with_scene, sensors_only = ImageCountingModel([ANSWER]), ImageCountingModel([ANSWER])
    LLMDrivingPlanner(with_scene).decide(scene)
    LLMDrivingPlanner(sensors_only, inputs="images").decide(scene)
    full, bare = with_scene.prompts[0][1], sensors_only.prompts[0][1]
    assert full.startswith("Images: front, bev.") and bare.startswith("Images: front, bev.")
    assert "Lane:" in full and "Lane:" not in bare
    assert bare == ("Images: front, bev.\nEgo speed: 8.0 m/s (limit 11.1 m/s).\n"
                    "Route: go straight through the junction in 60 m.\nWhat is your decision?")
    assert len(with_scene.images) == len(sensors_only.images) == 2
    assert sensors_only.images[1].shape == (32, 32, 3)  # the BEV drawn as a picture


def test_the_flag_reaches_the_planner(tiny_internvl):
    from agents.plugins import DRIVING_PLANNERS, make_planner
    from planners.backends import BackendOptions

    planner = make_planner("mllm", DRIVING_PLANNERS, BackendOptions(model=str(tiny_internvl), planner_inputs="images"))
    assert planner.inputs == "images"
