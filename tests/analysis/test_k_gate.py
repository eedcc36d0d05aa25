"""The one "fewer than k" rule every page asks (tandem.analysis.anonymity.KGate)."""

from __future__ import annotations

import pytest

from tandem.analysis.anonymity import KGate
from tandem.analysis.errors import AnalysisInputError


def test_a_group_of_exactly_k_is_shown_and_one_fewer_is_not() -> None:
    gate = KGate(5)
    assert gate.shows(5) and gate.shows(17)
    assert gate.hides(4) and gate.hides(0)


def test_no_count_at_all_counts_as_too_few() -> None:
    assert KGate(5).hides(None)
    assert KGate(5).value(3.47, None) is None


def test_a_value_and_a_count_pass_only_at_k_or_more() -> None:
    gate = KGate(3)
    assert gate.value(3.47, 3) == 3.47
    assert gate.value(3.47, 2) is None
    assert gate.count(2) is None and gate.count(3) == 3


@pytest.mark.parametrize("k", [2, 0, -1, 2.5, True])
def test_k_below_three_or_not_a_whole_number_is_refused(k: object) -> None:
    with pytest.raises(AnalysisInputError, match="minimum group size k"):
        KGate(k)  # type: ignore[arg-type]
