"""`coarsen_attributes` and `pool_small_groups`: what a pseudonymised map may say about a person."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.analysis.errors import AnalysisInputError
from tandem.analysis.networks.privacy import coarsen_attributes, pool_small_groups

PROFESSIONS = ("doctor", "manager", "other")
LEVELS = ("executive", "senior", "service")
LOCALITIES = ("North", "South", "Fells", "")


def _people(*groups: tuple[int, dict[str, str]]) -> dict[str, dict[str, str]]:
    people: dict[str, dict[str, str]] = {}
    for count, attributes in groups:
        for _ in range(count):
            people[f"P{len(people) + 1:02d}"] = dict(attributes)
    return people


def _shown_groups(result: object, people: dict[str, dict[str, str]]) -> Counter[tuple]:
    shown = result.shown  # type: ignore[attr-defined]
    return Counter(tuple(sorted(shown[node].items())) for node in people)


@st.composite
def programmes(draw: st.DrawFn) -> tuple[dict[str, dict[str, str]], list[set[str]]]:
    """People with profession, level and maybe a locality, and the waves each answered."""
    n = draw(st.integers(1, 40))
    people = {
        f"P{i:02d}": {
            "profession": draw(st.sampled_from(PROFESSIONS)),
            "level": draw(st.sampled_from(LEVELS)),
            "locality": draw(st.sampled_from(LOCALITIES)),
        }
        for i in range(n)
    }
    waves = [
        {node for node in people if draw(st.booleans())} for _ in range(draw(st.integers(0, 3)))
    ]
    return people, waves


@settings(max_examples=300, deadline=None)
@given(programme=programmes(), k=st.integers(2, 8))
def test_every_group_shown_has_k_people_or_is_a_whole_pattern_under_k(
    programme: tuple[dict[str, dict[str, str]], list[set[str]]], k: int
) -> None:
    people, waves = programme
    result = coarsen_attributes(people, k=k, visible_sets=waves)
    pattern = {node: tuple(node in wave for wave in waves) for node in people}
    pattern_sizes = Counter(pattern.values())
    groups = Counter((pattern[node], tuple(sorted(result.shown[node].items()))) for node in people)
    for node in people:
        # Never an attribute the person does not have.
        assert result.shown[node].items() <= people[node].items()
        size = groups[(pattern[node], tuple(sorted(result.shown[node].items())))]
        assert result.group_size[node] == size
        if size < k:
            assert result.shown[node] == {} and size == pattern_sizes[pattern[node]]
            assert not result.counts_shown(node)
        else:
            assert result.counts_shown(node)
    # On each map (wave), each combination shown other than "nothing" has k people on it.
    for wave in waves:
        on_map = Counter(
            tuple(sorted(result.shown[node].items())) for node in wave if result.shown[node]
        )
        assert all(count >= k for count in on_map.values())


@settings(max_examples=200, deadline=None)
@given(programme=programmes(), k=st.integers(2, 8))
def test_nothing_is_coarsened_when_every_combination_already_has_k(
    programme: tuple[dict[str, dict[str, str]], list[set[str]]], k: int
) -> None:
    people, _ = programme
    # Make every combination at least k strong by repeating each person k times.
    many = {
        f"{node}-{copy}": attributes for node, attributes in people.items() for copy in range(k)
    }
    result = coarsen_attributes(many, k=k)
    assert result.shown == {
        node: {name: value for name, value in attributes.items() if value}
        for node, attributes in many.items()
    }


@settings(max_examples=300, deadline=None)
@given(
    sizes=st.dictionaries(
        st.tuples(st.sampled_from(PROFESSIONS), st.sampled_from(LEVELS)),
        st.integers(1, 9),
        min_size=1,
    ),
    k=st.integers(2, 6),
)
def test_with_two_attributes_one_is_kept_whenever_dropping_the_other_would_do(
    sizes: dict[tuple[str, str], int], k: int
) -> None:
    people = _people(*((n, {"profession": p, "level": lv}) for (p, lv), n in sizes.items()))
    by_profession = Counter(a["profession"] for a in people.values())
    by_level = Counter(a["level"] for a in people.values())
    result = coarsen_attributes(people, k=k)
    if all(n >= k for n in by_profession.values()) or all(n >= k for n in by_level.values()):
        assert all(len(shown) >= 1 for shown in result.shown.values())


def test_the_only_doctor_executive_shows_their_profession_only() -> None:
    people = _people(
        (9, {"profession": "doctor", "level": "service"}),
        (1, {"profession": "doctor", "level": "executive"}),
        (8, {"profession": "manager", "level": "service"}),
    )
    result = coarsen_attributes(people, k=5, preference=("profession", "level"))
    assert result.order == ("profession", "level")
    assert result.shown["P10"] == {"profession": "doctor"}
    # Four service doctors keep them company (the largest group could spare them); the
    # other five and every manager keep their level.
    assert _shown_groups(result, people) == {
        (("profession", "doctor"),): 5,
        (("level", "service"), ("profession", "doctor")): 5,
        (("level", "service"), ("profession", "manager")): 8,
    }


def test_the_attribute_that_splits_groups_worst_is_dropped_first() -> None:
    # Each profession has two executives: level splits; profession never does.
    people = _people(
        (6, {"profession": "doctor", "level": "service"}),
        (2, {"profession": "doctor", "level": "executive"}),
        (6, {"profession": "manager", "level": "service"}),
        (2, {"profession": "manager", "level": "executive"}),
    )
    result = coarsen_attributes(people, k=5, preference=("level", "profession"))
    assert result.order == ("profession", "level")
    assert _shown_groups(result, people) == {
        (("profession", "doctor"),): 8,
        (("profession", "manager"),): 8,
    }


def test_people_seen_on_different_waves_are_coarsened_apart() -> None:
    # Twelve doctors answered both waves, one only the first: on the first map alone "doctor"
    # is shared by 13, but the reader sees which code is missing from the second map.
    people = _people((13, {"profession": "doctor"}), (6, {"profession": "manager"}))
    first = set(people)
    second = first - {"P13"}
    result = coarsen_attributes(people, k=5, visible_sets=[first, second])
    assert result.shown["P13"] == {}
    assert not result.counts_shown("P13")
    assert result.shown["P01"] == {"profession": "doctor"} and result.counts_shown("P01")


def test_k_must_be_at_least_one() -> None:
    with pytest.raises(AnalysisInputError):
        coarsen_attributes({}, k=0)
    with pytest.raises(AnalysisInputError):
        pool_small_groups({}, k=0)


def test_small_localities_are_pooled_until_the_pool_has_k() -> None:
    assert pool_small_groups({"North": 6, "South": 7, "Trust-wide": 1}, k=5) == {
        "North": False,
        "South": True,
        "Trust-wide": False,
    }
    assert pool_small_groups({"North": 6, "South": 7}, k=5) == {"North": True, "South": True}


@settings(max_examples=300, deadline=None)
@given(
    sizes=st.dictionaries(st.sampled_from("ABCDEFG"), st.integers(1, 12), min_size=1),
    k=st.integers(2, 8),
)
def test_every_group_standing_alone_has_k_and_so_has_the_pool_unless_all_is_under_k(
    sizes: dict[str, int], k: int
) -> None:
    alone = pool_small_groups(sizes, k=k)
    assert all(sizes[g] >= k for g, stands in alone.items() if stands)
    pooled = sum(sizes[g] for g, stands in alone.items() if not stands)
    assert pooled == 0 or pooled >= k or all(not stands for stands in alone.values())
