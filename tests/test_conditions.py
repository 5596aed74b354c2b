"""The condition compiler: what it translates, and every mistake it refuses."""

from __future__ import annotations

import pytest

from assess.rules.conditions import ConditionError, alternative_bindings, compile_condition

THRESHOLDS = {"min_admins": 2, "hours_per_channel": 2, "share": 50.5}


def test_several_keys_mean_and() -> None:
    """durable reads only one key of a multi-key object; the compiler makes it an explicit $and."""
    (alternative,) = compile_condition([{"ch": {"kind": "channel", "active": True, "$lt": {"admins": 2}}}], THRESHOLDS)
    assert alternative == [{"ch": {"$and": [{"kind": "channel"}, {"active": True}, {"$lt": {"admins": 2}}]}}]


def test_thresholds_are_inlined() -> None:
    (alternative,) = compile_condition(
        [{"ch": {"kind": "channel", "$lt": {"admins": {"$threshold": "min_admins"}}}}], THRESHOLDS
    )
    assert alternative[0]["ch"]["$and"][1] == {"$lt": {"admins": 2}}


def test_joins_and_arithmetic() -> None:
    condition = [
        {"p": {"kind": "plan"}},
        {
            "o": {
                "kind": "organization",
                "$lt": {
                    "staff_hours": {"$mul": {"$l": {"p": "active_channels"}, "$r": {"$threshold": "hours_per_channel"}}}
                },
            }
        },
    ]
    (alternative,) = compile_condition(condition, THRESHOLDS)
    assert alternative[1]["o"]["$and"][0] == {
        "$lt": {"staff_hours": {"$mul": {"$l": {"p": "active_channels"}, "$r": 2}}}
    }


def test_any_gives_alternatives_with_their_own_bindings() -> None:
    condition = {
        "any": [
            [{"p": {"kind": "plan"}}, {"v$not": {"kind": "visuals"}}],
            [{"v": {"kind": "visuals", "assets_per_month": 0}}],
        ]
    }
    assert len(compile_condition(condition, THRESHOLDS)) == 2
    assert alternative_bindings(condition) == [{"p": "plan"}, {"v": "visuals"}]


def test_array_tests_use_the_item() -> None:
    (alternative,) = compile_condition(
        [{"s": {"kind": "segment", "$iany": {"platforms": {"$i": "tiktok"}}}}], THRESHOLDS
    )
    assert alternative[0]["s"]["$and"][1] == {"$iany": {"platforms": {"$i": "tiktok"}}}


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ([{"ch": {"kind": "channel", "platfrom": "x"}}], "has no field 'platfrom'"),
        ([{"ch": {"kind": "chanel"}}], "unknown fact kind 'chanel'"),
        ([{"ch": {"active": True}}], "must say which kind of fact"),
        ([{"ch": {"kind": "channel", "$lt": {"admins": {"q": "admins"}}}}], "not a binding defined earlier"),
        ([{"ch": {"kind": "channel", "$lt": {"admins": {"$threshold": "nope"}}}}], "unknown threshold 'nope'"),
        ([{"ch": {"kind": "channel", "$like": {"platform": "x"}}}], "unknown operator '$like'"),
        ([{"Ch": {"kind": "channel"}}], "binding name 'Ch'"),
        ([{"a": {"kind": "channel"}}, {"a": {"kind": "goal"}}], "used twice"),
        ([{"a": {"kind": "channel"}, "b": {"kind": "goal"}}], "exactly one binding"),
        ([], "non-empty list"),
        ({"any": []}, "non-empty list"),
        ([{"s": {"kind": "segment", "$iany": {"platforms": {"platform": "x"}}}}], "must use $i"),
        ([{"s": {"kind": "segment", "$iall": {"platforms": {"$neq": {"platform": "x"}}}}}], "compare $i"),
        (
            [
                {"p": {"kind": "plan"}},
                {
                    "o": {
                        "kind": "organization",
                        "$lt": {"staff_hours": {"$mul": {"$l": {"p": "active_channels"}, "$r": 1.5}}},
                    }
                },
            ],
            "whole numbers",
        ),
        (
            [
                {"p": {"kind": "plan"}},
                {
                    "o": {
                        "kind": "organization",
                        "$lt": {
                            "staff_hours": {"$mul": {"$l": {"p": "active_channels"}, "$r": {"$threshold": "share"}}}
                        },
                    }
                },
            ],
            "whole numbers",
        ),
        ([{"ch": {"kind": "channel", "$ex": {"owner": 2}}}], "takes {field: 1}"),
    ],
)
def test_mistakes_are_refused_with_a_precise_message(condition: object, message: str) -> None:
    with pytest.raises(ConditionError) as caught:
        compile_condition(condition, THRESHOLDS)
    assert message in str(caught.value)


def test_joins_come_before_nested_alternatives_and_nested_and_is_flattened() -> None:
    condition = [
        {"p": {"kind": "plan"}},
        {
            "c": {
                "kind": "channel",
                "$or": [{"status": "active"}, {"status": "planned"}],
                "$and": [{"active": True}, {"$gt": {"admins": {"p": "goals"}}}],
                "$lt": {"selected_day": {"p": "first_research_day"}},
            }
        },
    ]
    (alternative,) = compile_condition(condition, THRESHOLDS)
    assert alternative[1]["c"] == {
        "$and": [
            {"$gt": {"admins": {"p": "goals"}}},
            {"$lt": {"selected_day": {"p": "first_research_day"}}},
            {"kind": "channel"},
            {"active": True},
            {"$or": [{"status": "active"}, {"status": "planned"}]},
        ]
    }
