from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tandem.typology import services
from tandem.typology.indicator import get_indicator
from tandem.typology.models import IndicatorResponse, TypeProfile, TypeSource


def test_submitting_the_indicator_scores_and_stores_a_private_result(amara, answers) -> None:
    profile = services.indicator_submit(participant=amara, answers=answers("ENTJ"))
    assert profile.source == TypeSource.INDICATOR
    assert profile.reported_type == "ENTJ"
    assert profile.best_fit_type == ""
    assert profile.shared is False
    assert profile.scores["ei"] == {"total": 11, "answered": 8, "n_items": 8}
    assert IndicatorResponse.objects.get(participant=amara).answers == answers("ENTJ")


def test_an_unanswered_item_is_refused_and_nothing_is_stored(amara, answers) -> None:
    partial = answers("ENTJ")
    del partial["tf3"]
    with pytest.raises(ValidationError) as caught:
        services.indicator_submit(participant=amara, answers=partial)
    assert "tf3" in caught.value.message_dict
    assert not TypeProfile.objects.filter(participant=amara).exists()


def test_retaking_the_indicator_clears_best_fit_and_consent(amara, answers) -> None:
    first = services.indicator_submit(participant=amara, answers=answers("ENTJ"))
    services.type_best_fit_confirm(profile=first, best_fit="ENTJ")
    services.type_share_set(profile=first, shared=True)
    again = services.indicator_submit(participant=amara, answers=answers("ISFP"))
    assert (again.reported_type, again.best_fit_type, again.shared) == ("ISFP", "", False)


def test_best_fit_must_be_one_letter_from_each_pair(amara, answers) -> None:
    profile = services.indicator_submit(participant=amara, answers=answers("ENTJ"))
    with pytest.raises(ValidationError, match="E or I, S or N, T or F, J or P"):
        services.type_best_fit_confirm(profile=profile, best_fit="EXTJ")
    confirmed = services.type_best_fit_confirm(profile=profile, best_fit="intj")
    assert confirmed.best_fit_type == "INTJ"
    assert confirmed.changed == ("ei",)


def test_a_type_cannot_be_shared_before_its_best_fit_is_confirmed(amara, answers) -> None:
    profile = services.indicator_submit(participant=amara, answers=answers("ENTJ"))
    with pytest.raises(ValidationError, match="Confirm your best-fit type"):
        services.type_share_set(profile=profile, shared=True)


def test_sharing_can_be_turned_off_again(amara, answers) -> None:
    profile = services.indicator_submit(participant=amara, answers=answers("ENTJ"))
    services.type_best_fit_confirm(profile=profile, best_fit="ENTJ")
    assert services.type_share_set(profile=profile, shared=True).shared_at is not None
    off = services.type_share_set(profile=profile, shared=False)
    assert (off.shared, off.shared_at) == (False, None)


def test_an_external_result_is_recorded_with_its_source_as_the_best_fit(amara) -> None:
    profile = services.type_external_record(
        participant=amara, type_code="isfj", source="Licensed MBTI® Step I, 2023"
    )
    assert profile.is_external
    assert (profile.reported_type, profile.best_fit_type) == ("ISFJ", "ISFJ")
    assert profile.source_label == "Assessed elsewhere: Licensed MBTI® Step I, 2023"


def test_an_external_result_needs_a_source(amara) -> None:
    with pytest.raises(ValidationError, match="Say where the type was assessed"):
        services.type_external_record(participant=amara, type_code="ISFJ", source="  ")


def test_the_indicator_version_is_recorded(amara, answers) -> None:
    profile = services.indicator_submit(participant=amara, answers=answers("ENTJ"))
    assert profile.source_label == f"Tandem type indicator (version {get_indicator().version})"
