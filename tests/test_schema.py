import datetime as dt

import pytest

from graphkit import schema


def test_relationship_endpoints_match_design():
    expected = {
        "MEMBER_OF": ("Actor", "Actor"),
        "COOPERATES_WITH": ("Actor", "Actor"),
        "HAS_CAPABILITY": ("Actor", "Capability"),
        "TARGETS": ("Threat", "Actor"),
        "ATTRIBUTED_TO": ("Threat", "Actor"),
        "REQUIRES": ("Threat", "Capability"),
        "POSITION": ("Actor", "Norm"),  # DESIGN.md, "The property graph"
    }
    got = {t.name: (t.sources[0], t.targets[0]) for t in schema.RELATIONSHIP_TYPES.values()}
    assert got == expected
    assert [t for t in schema.RELATIONSHIP_TYPES.values() if t.symmetric] == [
        schema.RELATIONSHIP_TYPES["COOPERATES_WITH"]
    ]


@pytest.mark.parametrize(
    "key, ok",
    [
        ("name", True),
        ("since_2", True),
        ("_x", True),
        ("2x", False),
        ("a-b", False),
        ("name}) DETACH DELETE n //", False),
        ("", False),
        ("a" * 65, False),
        ("é", False),
    ],
)
def test_identifier(key, ok):
    assert schema.is_identifier(key) is ok


@pytest.mark.parametrize(
    "value, kind",
    [
        (1, "int"),
        (True, "bool"),
        (1.5, "float"),
        ("x", "string"),
        (dt.date(2024, 1, 1), "date"),
        (dt.datetime(2024, 1, 1), None),
        (["a", "b"], "string[]"),
        ([1, 2], "int[]"),
        ([1, "a"], None),
        ([], "string[]"),
        ([[1]], None),
        (None, None),
        ({"a": 1}, None),
    ],
)
def test_value_type(value, kind):
    assert schema.value_type(value) == kind
