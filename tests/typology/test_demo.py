from __future__ import annotations

from tandem.typology.models import TypeProfile


def test_the_demo_has_types_that_most_people_share(seeded) -> None:
    profiles = TypeProfile.objects.filter(participant__programme=seeded.programme)
    assert profiles.count() == 23  # everyone but Leon Marsh
    assert profiles.filter(shared=True).count() == 21
    assert sum(1 for p in profiles if p.changed) == 3
    external = profiles.get(source="external")
    assert external.participant.person.name == "Dr Kavita Shah"
    assert "MBTI" in external.source_label


def test_seeding_the_demo_twice_gives_the_same_types(seeded) -> None:
    from tandem.typology.demo import seed_types

    before = dict(
        TypeProfile.objects.filter(participant__programme=seeded.programme).values_list(
            "participant_id", "best_fit_type"
        )
    )
    seed_types(programme=seeded.programme)
    after = dict(
        TypeProfile.objects.filter(participant__programme=seeded.programme).values_list(
            "participant_id", "best_fit_type"
        )
    )
    assert after == before
