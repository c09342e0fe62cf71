from planners.minecraft.plan import parse_plan

GOOD = ('{"explanation": "need wood", "thoughts": "trees are near", "action_list": '
        '[{"name": "mine", "args": {"object": "log"}, "expectation": "1 log"}]}')


def test_strict_plan():
    outcome = parse_plan(GOOD)
    assert outcome.status == "ok"
    assert [(a.name, a.args) for a in outcome.plan.action_list] == [("mine", {"object": "log"})]


def test_near_misses_are_repaired():
    text = ("Here is my plan:\n```json\n{explanation: 'need wood', 'actions': [{'name': 'Mine', "
            "'args': {'object': 'log'}},],}\n```")
    outcome = parse_plan(text)
    assert outcome.status == "repaired" and outcome.plan.action_list[0].name == "mine"
    assert outcome.plan.explanation == "need wood"


def test_unusable_answers_are_invalid_with_the_reason():
    assert parse_plan("I will chop a tree.").status == "invalid"
    unknown = parse_plan('{"action_list": [{"name": "teleport", "args": {"to": "diamonds"}}]}')
    assert unknown.status == "invalid" and "unknown action 'teleport'" in unknown.problem
    empty = parse_plan('{"explanation": "x", "action_list": []}')
    assert empty.status == "invalid" and empty.problem


def test_an_answer_cut_off_by_the_token_budget_is_closed_and_repaired():
    cut = '{"explanation": "trees", "action_list": [{"name": "explore", "args": {"object": "log", ' \
          '"strategy": "surface"}}, {"name": "mine", "args": {"object": "lo'
    outcome = parse_plan(cut)
    assert outcome.status == "repaired"
    assert [(a.name, a.args["object"]) for a in outcome.plan.action_list] == [("explore", "log"), ("mine", "lo")]


def test_an_action_without_a_name_is_an_unusable_plan_not_a_crash():
    from planners.minecraft.plan import parse_plan

    outcome = parse_plan('{"explanation": "x", "action_list": [{"name": "mine"}, {"expectation": "cut off"}]}')
    assert outcome.plan is None and outcome.problem == "an action has no 'name'"
