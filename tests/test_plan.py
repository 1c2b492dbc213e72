"""QuestionPlan: what a question asks and names, and the route it takes."""

from __future__ import annotations

import pytest

from assistant.plan import committee_stem, compare_parts, make_plan


@pytest.mark.parametrize(("question", "route"), [
    ("Vad gällde ärende SN/2023:00144?", "case"),
    ("What was case KFN 2024:33 about?", "case"),
    ("BUN 2024:117", "case"),
    ("När och var sammanträdde socialnämnden den 14 februari 2023?", "meeting"),
    ("Vem var ordförande vid kultur- och fritidsnämndens sammanträde i mars 2024?", "meeting"),
    ("När justerades protokollet från kommunfullmäktiges sammanträde i juni 2022?", "meeting"),
    ("Vilka ärenden behandlades på sammanträdet 2023-06-13?", "meeting"),
    ("Hur stort var överskottet 2021 jämfört med 2022?", "compare"),
    ("Hur många elever fanns i Lomma respektive Kungsbacka?", "compare"),
    ("Vad beslutade nämnden om budgeten för simhallen?", "retrieve"),
    ("Vilka investeringar ingår i investeringsplanen 2024–2027?", "retrieve"),
    ("När ska projektet starta?", "retrieve"),
])
def test_route(question, route):
    assert make_plan(question).route == route


def test_what_a_meeting_question_names():
    plan = make_plan("När och var sammanträdde arbetsmarknads- och socialnämnden den 26 februari 2019?")
    assert plan.dates == ("2019-02-26",) and plan.years == (2019,)
    assert plan.committees == ("arbetsmarknads- och socialnämnd",)
    assert {"place", "time", "date"} <= plan.asks


def test_a_year_inside_a_diarienummer_is_no_year_asked_about():
    plan = make_plan("Vad gällde ärende SN/2023:00144?")
    assert plan.diarienummer == ("SN/2023:144",) and plan.years == ()


def test_month_without_day():
    plan = make_plan("Vem var justerare i februari 2019?")
    assert plan.months == ("2019-02",) and plan.dates == () and "role" in plan.asks


def test_kommuner_in_place_position_only_in_order_of_mention():
    assert make_plan("Hur stort överskott var det i Lomma jämfört med Kungsbacka?").kommuner == ("Lomma", "Kungsbacka")
    # "Salem" as the last of a list of partners is not a kommun the question compares.
    plan = make_plan("Har samordningsförbundet för Botkyrka, Huddinge och Salem haft några ärenden?")
    assert compare_parts(plan) == () and plan.route == "retrieve"
    assert make_plan("How did Kungsbacka's Vård & Omsorg committee handle it?").kommuner == ("Kungsbacka",)


def test_compare_parts_are_the_years_but_not_a_planning_period():
    assert compare_parts(make_plan("Hur förändrades andelen mellan 2021 och 2022?")) == ("2021", "2022")
    assert compare_parts(make_plan("Vad innehåller investeringsplanen 2024-2027?")) == ()


def test_committee_names_written_out():
    assert make_plan("Vad beslutade Nämnden för Teknik om budgeten?").committees == ("nämnden för teknik",)
    assert committee_stem("Kommunstyrelsens") == "kommunstyrelse"
    assert committee_stem("Socialnämndens") == "socialnämnd"


def test_the_genitive_of_a_nämnden_för_name_is_on_its_last_word():
    """"nämnden för Tekniks protokoll" is the protocol of Nämnden för Teknik, not of a "Tekniks" nämnd."""
    plan = make_plan("När justerades nämnden för Tekniks protokoll från 22 januari 2025?")
    assert plan.committees == ("nämnden för teknik",) == (committee_stem("Nämnden för Teknik"),)
    assert committee_stem("nämnden för Individ & Familjeomsorgs") == committee_stem("Nämnden för Individ & Familjeomsorg")


def test_days_without_a_year_take_the_next_year_written():
    plan = make_plan("Vilka paragrafer omfattade KF-protokollen från 20 april och 11 maj 2023?")
    assert plan.dates == ("2023-04-20", "2023-05-11") and plan.route == "meeting"


def test_an_appropriation_is_no_notice_of_justering():
    assert not make_plan("Vem fick mandat att besluta om anslaget på 50 mnkr 2023 respektive 2024?").wants("anslag")
    assert make_plan("När sattes anslaget om justeringen av protokollet upp?").wants("anslag")
    assert make_plan("När anslogs protokollet från 26 februari 2019?").wants("anslag")


def test_a_documents_signatory_is_no_meeting_role():
    assert make_plan("Vem skrev under revisionskrivelsen som ordförande för kommunens revisorer?").route == "retrieve"
    assert make_plan("Vem var ordförande för socialnämnden 2023?").route == "meeting"
    assert make_plan("Who chaired the meeting?").route == "meeting"


def test_where_a_nämnd_held_its_meeting_is_a_meeting_question():
    plan = make_plan("var höll BUN i Lomma sitt möte 10 oktober 2023?")
    assert plan.route == "meeting" and plan.wants("place") and plan.dates == ("2023-10-10",)


def test_mellan_compares_years_not_places():
    assert make_plan("Hur förändrades sjukfrånvaron mellan 2021 och 2022?").wants("comparison")
    road = make_plan("Vad beräknas breddningen av Arendalsleden mellan Varlavägen och Göteborgsvägen kosta?")
    assert not road.wants("comparison") and road.wants("amount")


def test_from_one_year_to_another_is_a_comparison_of_the_two():
    plan = make_plan("Hur mycket höjdes timtaxan för hemtjänst i Kungsbacka från 2025 till 2026?")
    assert plan.route == "compare" and plan.years == (2025, 2026)
    from assistant.compare import _sub_question

    assert _sub_question(plan, "2025", None)[0] == "Hur mycket höjdes timtaxan för hemtjänst i Kungsbacka från 2025?"
