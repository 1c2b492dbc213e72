"""Chunks about the year a question names are ranked first: by title year, else meeting year, else text."""

from __future__ import annotations

from assistant.year_scope import year_tier
from conftest import make_chunk


def test_a_document_titled_with_another_year_is_ranked_after_one_about_the_year():
    vb2022 = make_chunk("Jämfört med 2019 ökade kostnaderna.", "a", date="2023-02-14",
                        title="Verksamhetsberättelse 2022 Socialnämnden")
    vb2019 = make_chunk("Socialnämnden har ett utfall som är 22 mkr över budget.", "b", date="2020-02-18",
                        title="Verksamhetsberättelse")
    assert year_tier(vb2019, [2019]) == 0  # untitled year, presented the year after
    assert year_tier(vb2022, [2019]) == 1  # about 2022, though its text names 2019
    assert year_tier(vb2022, [2022]) == 0


def test_a_far_meeting_that_never_names_the_year_comes_last_and_a_dnr_is_no_year():
    old = make_chunk("Socialdirektör Marie Lundqvist informerade.", "c", date="2016-09-27",
                     title="Förvaltningschefen informerar (SN 2023:00007)")
    assert year_tier(old, [2023]) == 2  # the dnr's "2023" says nothing about the year
    budget = make_chunk("Nämnden hemställer om två miljoner 2026 ur anslaget.", "d", date="2025-10-16",
                        title="Hemställan om medel ur anslaget Trygg Uppväxt")
    assert year_tier(budget, [2026]) == 0  # decided the year before, as budgets are


def test_the_one_named_nämnd_of_the_retrieved_meetings():
    from assistant.year_scope import named_committee

    assert named_committee((), ["Barn- och utbildningsnämnden", "Barn- och utbildningsnämnden"]) == \
        "Barn- och utbildningsnämnden"  # "BUN" named by its initials, not in plan.committees
    assert named_committee((), ["Barn- och utbildningsnämnden", "Kommunfullmäktige"]) is None  # "BUN … och sedan KF"
    assert named_committee(("socialnämnd", "kommunfullmäktige"), ["Socialnämnden"]) is None  # two named
    assert named_committee((), []) is None


def test_held_months_are_months_a_meeting_is_put_in_that_the_archive_holds():
    from assistant.meeting_scope import held_months
    from assistant.meetings import MeetingKey
    from assistant.plan import make_plan

    meetings = [MeetingKey("Lomma", "Barn- och utbildningsnämnden", "2024-02-06"),
                MeetingKey("Lomma", "Kommunfullmäktige", "2024-03-14"),
                MeetingKey("Lomma", "Kommunfullmäktige", "2023-08-31")]

    def held(question: str) -> tuple[str, ...]:
        return held_months(make_plan(question), meetings)

    assert held("Hur röstade barn- och utbildningsnämnden i februari 2024 om pausen?") == ("2024-02",)
    assert held("How did BUN vote in February 2024?") == ("2024-02",)
    assert held("Vad beslutade barn- och utbildningsnämnden i mars 2024?") == ()  # only KF met then
    assert held("Vad beslutades i mars 2024?") == ("2024-03",)
    assert held("Vad beslutades i Kungsbacka i mars 2024?") == ()  # another kommun's month
    assert held("Vad sa delårsrapporten för januari–augusti 2023?") == ()  # a report's period
    assert held("Vad beslutades i maj 2024?") == ()  # no meeting that month


def test_month_filters_narrow_the_users_filters_or_leave_nothing():
    from assistant.year_scope import month_filters
    from index.types import SearchFilters

    assert month_filters(None, "2024-02") == SearchFilters(date_from="2024-02-01", date_to="2024-02-31")
    narrowed = month_filters(SearchFilters(kommun="Lomma", date_from="2024-02-10"), "2024-02")
    assert narrowed == SearchFilters(kommun="Lomma", date_from="2024-02-10", date_to="2024-02-31")
    assert month_filters(SearchFilters(date_to="2023-12-31"), "2024-02") is None
