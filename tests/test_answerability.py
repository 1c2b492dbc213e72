"""Answerability: the asked type, the year and the topic words must be in the evidence the answer quotes."""

from __future__ import annotations

from assistant.answerability import DateFilter, judge, missing_topic_share
from assistant.plan import make_plan
from conftest import make_chunk
from index.types import Hit


def _hits(*chunks) -> list[Hit]:
    return [Hit(c, 1.0, "fused", i, 0.9) for i, c in enumerate(chunks, 1)]


def test_amount_question_needs_a_number():
    chunk = make_chunk("Socialnämnden redovisade ett överskott för 2022.", "c1")
    plan = make_plan("Hur stort överskott redovisade socialnämnden 2022?")
    assert not judge(plan, [chunk.text], _hits(chunk)).answerable
    with_number = make_chunk("Socialnämnden redovisade ett överskott på 78,5 mkr för 2022.", "c2")
    assert judge(plan, [with_number.text], _hits(with_number)).answerable


def test_date_question_needs_a_date():
    chunk = make_chunk("Projektet ska starta när lokalerna är klara.", "c1")
    plan = make_plan("När ska projektet Privatuthyrning starta?")
    assert not judge(plan, [chunk.text], _hits(chunk)).answerable
    dated = make_chunk("Projektet Privatuthyrning ska starta den 1 december 2016.", "c2")
    assert judge(plan, [dated.text], _hits(dated)).answerable


def test_the_questions_own_year_is_no_answer_to_when():
    plan = make_plan("Senast när skulle återrapporteringen av 2022 års utvecklingsmedel vara inne?")
    only_year = make_chunk("Återrapportering av 2022 års utvecklingsmedel till kommuner.", "c1")
    assert not judge(plan, [only_year.text], _hits(only_year)).answerable
    deadline = make_chunk("Bidragsmottagare ska senast den 28 februari 2023 återrapportera 2022 års utvecklingsmedel.", "c2")
    assert judge(plan, [deadline.text], _hits(deadline)).answerable
    assert DateFilter((2022,)).search("beslutades 2022-05-12") and not DateFilter((2022,)).search("år 2022")


def test_opening_hours_answer_when():
    plan = make_plan("När har träfflokalen Bryggan öppet?")
    hours = make_chunk("Träfflokalen Bryggan är öppen varje vardag mellan kl. 09.00 – 16.00.", "c1")
    assert judge(plan, [hours.text], _hits(hours)).answerable


def test_a_question_for_time_and_place_is_not_judged_on_the_time_alone():
    plan = make_plan("När har träfflokalen Bryggan öppet, och var ligger den?")
    place = make_chunk("Enheten har en öppen träfflokal, Bryggan i Norsborg.", "c1")
    assert judge(plan, [place.text], _hits(place)).answerable


def test_a_noted_oral_report_answers_no_content_question():
    chunk = make_chunk("Socialnämnden har tagit del av informationen.", "c1", title="Investeringsplan 2024-2027 – muntlig information")
    plan = make_plan("Vilka investeringar ingår i investeringsplanen 2024–2027?")
    verdict = judge(plan, [chunk.text], _hits(chunk))
    assert not verdict.answerable and "oral" in verdict.reason
    # ... but it is what the nämnd decided.
    assert judge(make_plan("Vad beslutade nämnden om investeringsplanen 2024–2027?"), [chunk.text], _hits(chunk)).answerable


def test_a_year_neither_mentioned_nor_the_meeting_year_is_not_answered():
    chunk = make_chunk("Överskottet blev 78,5 mkr.", "c1", date="2023-02-14", title="Verksamhetsberättelse 2022")
    assert judge(make_plan("Hur stort överskott blev det 2022?"), [chunk.text], _hits(chunk)).answerable
    assert not judge(make_plan("Hur stort överskott blev det 2019?"), [chunk.text], _hits(chunk)).answerable


def test_topic_words_missing_from_the_evidence():
    chunk = make_chunk("Socialnämnden har ett utfall som är 22 mkr över budget.", "c1", title="Verksamhetsberättelse")
    plan = make_plan("Hur mycket kostade ombyggnaden av äldreboendet vid torget?")
    verdict = judge(plan, [chunk.text], _hits(chunk))
    assert not verdict.answerable and "topic" in verdict.reason
    named = judge(make_plan("Hur mycket över budget låg utfallet för Tullinge?"), [chunk.text], _hits(chunk))
    assert not named.answerable and "Tullinge" in named.reason  # a proper name no cited chunk holds
    assert missing_topic_share("Hur mycket kostade ombyggnaden av äldreboendet?", "ombyggnaden kostade äldreboendet") == 0.0


def test_kommun_and_nämnd_are_scope_not_topic():
    chunk = make_chunk("1. Verksamhetsberättelse för år 2018 godkänns.", "c1", kommun="Tyresö", section="Beslut",
                       committee="Arbetsmarknads- och socialnämnden", title="Verksamhetsberättelse för år 2018")
    plan = make_plan("Vad beslutade arbetsmarknads- och socialnämnden i Tyresö om verksamhetsberättelsen för år 2018?")
    assert judge(plan, [chunk.text], _hits(chunk)).answerable


def test_no_evidence_is_never_answerable():
    assert not judge(make_plan("Vad hände?"), [], []).answerable


def test_a_vote_question_needs_a_votering():
    chunk = make_chunk("Nämnden godkänner internkontrollplanen 2026.", "c1", section="Beslut", doc_type="protokoll")
    plan = make_plan("Hur röstade nämnden om internkontrollplanen 2026?")
    assert not judge(plan, [chunk.text], _hits(chunk)).answerable
    voted = make_chunk("Nämnden godkänner internkontrollplanen 2026. Votering begärs. Med 7 ja mot 4 nej bifalls "
                       "förslaget.", "c2", section="Beslut", doc_type="protokoll")
    assert judge(plan, [voted.text], _hits(voted)).answerable


def test_a_fact_about_the_next_year_does_not_answer():
    chunk = make_chunk("Resultatet per den 31 augusti uppgår till +136,2 mnkr.", "c1", date="2025-10-16",
                       title="Delårsrapport 2 för Lomma kommun år 2025", kommun="Lomma")
    assert not judge(make_plan("Hur stort var Lomma kommuns resultat per den 31 augusti 2024?"), [chunk.text],
                     _hits(chunk)).answerable
    assert judge(make_plan("Hur stort var Lomma kommuns resultat per den 31 augusti 2025?"), [chunk.text],
                 _hits(chunk)).answerable


def test_evidence_from_another_kommun_does_not_answer():
    chunk = make_chunk("Nämnden godkänner redovisningen.", "c1", kommun="Kungsbacka", section="Beslut")
    plan = make_plan("Vad beslutade socialnämnden i Lomma om redovisningen?")
    assert not judge(plan, [chunk.text], _hits(chunk)).answerable


def test_an_oral_report_item_holds_no_written_content():
    """The held-back example: the documents hold only "muntlig information" about the investment plan."""
    told = make_chunk("Ekonomichef Jennifer Hultberg informerade om investeringsplan 2024-2027.", "c1",
                      title="Investeringsplan 2024-2027 – muntlig information", section="Ärendet")
    plan = make_plan("Vilka investeringar ingår i investeringsplanen 2024–2027?")
    assert not judge(plan, [told.text], _hits(told)).answerable
    assert judge(make_plan("Vem informerade om investeringsplanen 2024–2027?"), [told.text], _hits(told)).answerable


def test_a_party_named_in_words_is_its_abbreviation_in_the_protocol():
    # ifo_2025-11-13_protokoll.md § 148, as written.
    text = "Nämnden för Individ & Familjeomsorg avslår initiativet då förfrågan är ställd till\nkommunstyrelsen."
    chunk = make_chunk(text, "c1", title="Initiativärende (MP) - Svar på förfrågan från nationella samordnare",
                       committee="Nämnden för Individ & Familjeomsorg", section="Beslut")
    plan = make_plan("Vad beslutade nämnden om Miljöpartiets initiativärende om nationella samordnare?")
    assert judge(plan, [text], _hits(chunk)).answerable
    other = make_chunk(text.replace("(MP)", "(KD)"), "c2", title="Initiativärende (KD) - Svar på förfrågan")
    assert not judge(plan, [other.text], _hits(other)).answerable


def test_a_year_named_with_a_month_is_the_meeting_date():
    # BUN_2023-10-10.txt § 72: the decision writes only the year it takes effect.
    text = "Att pausa intaget av förskoleklasser på Pilängskolan från och med\nhöstterminen 2024."
    chunk = make_chunk(text, "c1", date="2023-10-10", title="Beslut om att pausa intaget av förskoleklasser",
                       section="Beslut")
    assert judge(make_plan("Vad beslutade nämnden om förskoleklasserna på Pilängskolan i oktober 2023?"),
                 [text], _hits(chunk)).answerable
    assert not judge(make_plan("Vad beslutade nämnden om förskoleklasserna på Pilängskolan i oktober 2022?"),
                     [text], _hits(chunk)).answerable


def test_a_decision_of_the_named_nämnd_must_be_among_the_evidence():
    text = "Kommunstyrelsen beslutar att återremittera ärendet om energi- och klimatplanen."
    chunk = make_chunk(text, "c1", committee="Kommunstyrelsen", section="Beslut", title="Energi- och klimatplan")
    assert not judge(make_plan("Vad beslutade kommunfullmäktige om energi- och klimatplanen?"), [text],
                     _hits(chunk)).answerable
    assert judge(make_plan("Vad beslutade kommunstyrelsen om energi- och klimatplanen?"), [text],
                 _hits(chunk)).answerable


def test_a_month_meeting_written_as_one_word_must_be_in_the_archive():
    text = "Nämnden för Teknik noterar informationen till protokollet."
    chunk = make_chunk(text, "c1", date="2024-10-23", committee="Nämnden för Teknik", section="Beslut",
                       title="Nämndbudget 2025")
    plan = make_plan("Vad beslutade nämnden för Teknik om nämndbudget 2025 på novembersammanträdet 2024?")
    assert plan.months == ("2024-11",)
    assert not judge(plan, [text], _hits(chunk)).answerable


def test_a_decision_asked_for_that_was_only_information_is_not_answered():
    # teknik_2024-10-23_protokoll.md § 104 as written: information before a coming inriktningsbeslut.
    title = "Inriktningsbeslut avseende gatubelysning på enskilda vägar inom Kungsbacka kommun"
    noted = make_chunk("Nämnden för Teknik noterar informationen till protokollet.", "c1", section="Beslut", title=title,
                       committee="Nämnden för Teknik")
    before = make_chunk("Informationstillfälle ett inför inriktningsbeslut avseende gatubelysning på enskilda vägar.", "c2",
                        section="Sammanfattning", title=title, committee="Nämnden för Teknik")
    quotes = [noted.text, before.text]
    plan = make_plan("Vilket inriktningsbeslut fattade nämnden för Teknik om gatubelysning på enskilda vägar?")
    verdict = judge(plan, quotes, _hits(noted, before))
    assert not verdict.answerable and "information" in verdict.reason
    # How the matter was handled is answered by the same evidence.
    assert judge(make_plan("Vad beslutade nämnden för Teknik om gatubelysning på enskilda vägar?"), quotes,
                 _hits(noted, before)).answerable


def test_list_numbers_dnr_and_paragraphs_are_no_figures_for_an_amount_question():
    from assistant.answerability import REQUIRED

    figures = REQUIRED["amount"]
    assert not figures.search("1. Verksamhetsberättelse för år 2018 godkänns.")
    assert not figures.search("BUN § 51                            BUN/2023:183")
    assert not figures.search("daterad 2023-07-27")
    assert figures.search("I enkäten svarade 918 vårdnadshavare.")
    assert figures.search("15 nyanlända hushåll ska ha fått ett hyreskontrakt.")


def test_another_number_of_a_numbered_report_does_not_answer():
    from assistant.answerability import _numbered_document

    asked = "Vad var Lomma kommuns resultat per den 30 april 2025 enligt delårsrapport 1?"
    assert _numbered_document(asked, "att godkänna föreliggande delårsrapport 2 för Lomma kommun", []) == "delårsrapport 1"
    assert _numbered_document(asked, "Delårsrapport 1 visar ett resultat på 37,7 mnkr.", []) is None
    assert _numbered_document(asked, "Resultatet per den 30 april var 37,7 mnkr.", []) is None  # no series named


def test_a_meeting_date_the_evidence_holds_no_meeting_of_is_refused():
    chunk = make_chunk("Socialnämnden godkänner datum för sammanträden 2017.", "s", date="2016-09-27")
    asked = make_plan("What did the Botkyrka social services committee decide at its meeting on 21 March 2017?", "en")
    assert not judge(asked, [chunk.text], _hits(chunk)).answerable
    held = make_plan("What did the social services committee decide at its meeting on 27 September 2016?", "en")
    assert judge(held, [chunk.text], _hits(chunk)).answerable


def test_justering_is_not_answered_from_a_kallelse():
    kallelse = make_chunk("Svaret ska vara socialnämnden tillhanda senast den 27 september 2016.", "k",
                          date="2016-09-27", doc_type="kallelse")
    plan = make_plan("När justerades protokollet från socialnämndens sammanträde 27 september 2016?")
    assert not judge(plan, [kallelse.text], _hits(kallelse)).answerable


def test_a_short_label_line_is_judged_with_the_sentence_above_it():
    text = ("För 2022 har förvaltningen ansökt om medel från Kompetensfonden för arbete mot kriminalitet.\n\n"
            "Beviljade medel: 220 000 kronor\n\nAnvända medel: 207 340 kronor")
    chunk = make_chunk(text, "k")
    plan = make_plan("Hur mycket av det användes? (pengar beviljades socialförvaltningen ur Kompetensfonden för 2022)")
    assert judge(plan, ["Använda medel: 207 340 kronor"], _hits(chunk)).answerable
    alone = make_chunk("Använda medel: 207 340 kronor", "a")
    assert not judge(plan, ["Använda medel: 207 340 kronor"], _hits(alone)).answerable


def test_the_questions_own_numbers_are_no_answer_to_it():
    chunk = make_chunk("Förvaltningen informerar om en förstudie om att bredda Arendalsleden till fyra körfält.", "f")
    plan = make_plan("Vad beräknas breddningen av Arendalsleden till fyra körfält kosta?")
    assert not judge(plan, [chunk.text], _hits(chunk)).answerable
    costed = make_chunk("Breddningen av Arendalsleden till fyra körfält beräknas kosta 180 miljoner kronor.", "c")
    assert judge(plan, [costed.text], _hits(costed)).answerable


def test_the_nämnd_that_answered_must_be_the_one_asked_about():
    chunk = make_chunk("Nämnden för Teknik begär yttrande från nämnden för Kultur & Fritid över ordningsföreskrifterna.",
                       "t", committee="Nämnden för Teknik", kommun="Kungsbacka", title="Lokala ordningsföreskrifter")
    plan = make_plan("Vad svarade nämnden för Kultur & Fritid på remissen om ordningsföreskrifterna?")
    assert not judge(plan, [chunk.text], _hits(chunk)).answerable


def test_a_handling_is_judged_on_the_nämnd_that_voted_and_the_year_asked():
    from assistant.answerability import scope_judgement

    vote = make_chunk("Ordföranden finner att nämnden, med 7 ja-röster mot 3 nej-röster, beslutar avslag till motionen.",
                      "v1", kommun="Kungsbacka", committee="Nämnden för Vård & Omsorg", date="2024-11-14",
                      title="Svar på motion om att utreda sex timmars arbetsdag inom omsorgen")
    asked_kf = make_plan("Hur röstade kommunfullmäktige i Kungsbacka om motionen om sex timmars arbetsdag?")
    assert scope_judgement(asked_kf, _hits(vote)).reason == "no handling by kommunfullmäktige in the evidence"
    asked_vo = make_plan("Hur röstade nämnden i Kungsbacka om motionen om sex timmars arbetsdag?")
    assert scope_judgement(asked_vo, _hits(vote)).answerable
    # A nämnd the question names as the owner of the matter, not as the voter, is no mismatch.
    budget = make_chunk("Kommunfullmäktige avslår yrkandet med 25 röster mot 16.", "b1", kommun="Lomma",
                        committee="Kommunfullmäktige", title="Budget 2024", date="2023-11-16")
    owner = make_plan("Hur röstade fullmäktige om yrkandet att utöka socialnämndens budget med 4 mnkr?")
    assert scope_judgement(owner, _hits(budget)).answerable
    plan_2023 = make_chunk("Thomas Eneström (S) reserverar sig skriftligt mot beslutet.", "r1", kommun="Lomma",
                           committee="Barn- och utbildningsnämnden", date="2023-05-16",
                           title="Fastställande av lokalbehovsplan för år 2023")
    asked_2024 = make_plan("Vem reserverade sig mot ställningstagandet till lokalbehovsplanen 2024?")
    assert scope_judgement(asked_2024, _hits(plan_2023)).reason == "year 2024 not in the evidence"
    asked_2023 = make_plan("Vem reserverade sig mot ställningstagandet till lokalbehovsplanen 2023?")
    assert scope_judgement(asked_2023, _hits(plan_2023)).answerable


def test_a_handling_from_another_month_than_the_meeting_asked_is_refused():
    from assistant.answerability import scope_judgement

    # The October 2023 votering on pausing the intake, found by topic for a question about February 2024.
    october = make_chunk("Ja 7, Nej 2, Avstår 2.", "v-oct", kommun="Lomma", committee="Barn- och utbildningsnämnden",
                         date="2023-10-10", title="Beslut om att pausa intaget av förskoleklasser höstterminen 2024")
    february = make_chunk("Ja 2, Nej 9.", "v-feb", kommun="Lomma", committee="Barn- och utbildningsnämnden",
                          date="2024-02-06", title="Nämndinitiativ om pausning av intag till F-klasser HT 2024")
    asked = make_plan("Hur röstade BUN i februari 2024 om att häva pausen i förskoleklassintaget?")
    assert scope_judgement(asked, _hits(october)).reason == "no meeting in 2024-02"
    assert scope_judgement(asked, _hits(february)).answerable
    # A report's period is not the meeting's month.
    report = make_chunk("Ja 30, Nej 15.", "v-dr", kommun="Lomma", committee="Kommunfullmäktige", date="2023-10-26",
                        title="Delårsrapport januari–augusti 2023")
    period = make_plan("Hur röstade fullmäktige om delårsrapporten för januari–augusti 2023?")
    assert scope_judgement(period, _hits(report)).answerable


def test_a_money_question_needs_a_sum_not_any_figure():
    plan = make_plan("Vad kostade projektledaren för Privatuthyrning till nyanlända?")
    years = make_chunk("Projektförslaget går ut på att en projektledare anställs på 1,5 år.", "p1")
    assert judge(plan, [years.text], _hits(years)).reason == "no sum of money in the evidence"
    cost = make_chunk("Personalkostnaden för projektledaren i Privatuthyrning till nyanlända beräknas till 756 000 kronor.", "p2")
    assert judge(plan, [cost.text], _hits(cost)).answerable
    # A table row's unit is in its header: the figure counts where the quoted chunk writes the unit.
    row = "Projektledare 756 000"
    table = make_chunk(f"Budget för Privatuthyrning till nyanlända (kr)\n{row}\nSumma 756 000", "p3")
    assert judge(plan, [row], _hits(table)).answerable


def test_a_money_question_is_answered_from_the_sentence_with_the_sum(chat_chunks):
    from assistant.chat import Assistant
    from assistant.settings import ChatSettings
    from tests.fakes import ListSearcher

    # The best-scored sentences hold figures but no sum: the second pass quotes the one with kronor.
    chunk = make_chunk("Stipendiet ger pengar under 2 år till studenter.\n"
                       "Pengar ur stipendiet betalas ut i 3 delar.\n"
                       "Stipendiet och pengar delas ut vid 1 tillfälle per år.\n"
                       "Prissumman om 15 000 kronor delas mellan stipendiaterna.", "s1", date="2025-05-15")
    answer = Assistant(ListSearcher([chunk]), None, ChatSettings(mode="extractive")).answer(
        "Hur mycket pengar var det i stipendiet?")
    assert answer.answered and "15 000 kronor" in answer.text


def test_a_sum_in_words_is_a_sum():
    plan = make_plan("Hur mycket pengar ur anslaget Trygg Uppväxt ville nämnden få ta del av 2026?")
    chunk = make_chunk("Nämnden hemställer om att få ta del av två miljoner 2026 ur anslaget Trygg Uppväxt.", "t1",
                       date="2025-11-13")
    assert judge(plan, [chunk.text], _hits(chunk)).answerable


def test_a_kommun_joined_to_nämnd_is_no_missing_name():
    chunk = make_chunk("Protokollet justeras av vice ordförande Christoffer Holmström.", "t1", kommun="Tyresö",
                       committee="Arbetsmarknads- och socialnämnden", date="2019-02-26")
    plan = make_plan("Vilken vice ordförande skrev under protokollet från Tyresönämndens möte i februari 2019?")
    assert judge(plan, [chunk.text], _hits(chunk)).reason != "'Tyresönämndens' not in the evidence"
    other = make_plan("Vilken vice ordförande skrev under protokollet om Pilängskolan i februari 2019?")
    assert judge(other, [chunk.text], _hits(chunk)).reason == "'Pilängskolan' not in the evidence"


def test_a_record_that_something_was_presented_does_not_say_what():
    presented = make_chunk("Förvaltningen presenterar en prognos om nämnden för Tekniks drift- och "
                           "investeringsbudgetar per oktober 2025.", "p1", committee="Nämnden för Teknik",
                           kommun="Kungsbacka", date="2025-11-12", title="Prognos per oktober 2025")
    heading = "Prognos per oktober 2025"
    plan = make_plan("Vad visade prognosen per oktober 2025 för nämnden för Tekniks driftbudget?")
    verdict = judge(plan, [presented.text, heading], _hits(presented, presented))
    assert verdict.reason == "only a record that information was given"
    stated = make_chunk("Prognosen per oktober 2025 visar ett underskott i driftbudgeten på 4,2 miljoner kronor.",
                        "p2", committee="Nämnden för Teknik", kommun="Kungsbacka", date="2025-11-12",
                        title="Prognos per oktober 2025")
    assert judge(plan, [presented.text, stated.text], _hits(presented, stated)).answerable
    # A short label line with a figure is content, not a heading.
    label = make_chunk("Använda medel: 207 340 kronor", "p3", title="Återrapportering av statsbidrag 2022")
    amount = make_plan("Hur mycket av statsbidraget 2022 användes?")
    assert judge(amount, [label.text], _hits(label)).reason != "only a record that information was given"


def test_a_short_list_line_is_dated_by_its_lead_in():
    # KF-2023-12-07.txt § 109 as written: decided in December 2023 for 2024; the quoted line names no year.
    text = ("Beslut:\n    - Kommunfullmäktige beslutar att kommunalt partistöd betalas ut år 2024 enligt följande:\n\n"
            "         Moderata samlingspartiet 182 787 kr,\n         Socialdemokraterna 81 939 kr,")
    chunk = make_chunk(text, "kf", date="2023-12-07", kommun="Lomma", committee="Kommunfullmäktige",
                       title="Beslut om utbetalning av kommunalt partistöd", section="Beslut", doc_type="protokoll")
    quote = ["Moderata samlingspartiet 182 787 kr,"]
    assert judge(make_plan("Hur mycket partistöd fick Moderaterna i Lomma 2024?"), quote, _hits(chunk)).answerable
    assert not judge(make_plan("Hur mycket partistöd fick Moderaterna i Lomma 2026?"), quote, _hits(chunk)).answerable


def test_an_agenda_line_with_its_presenter_and_time_is_no_decision_and_no_content():
    # teknik kallelse as written: the ärende's agenda line, then the protocol's noted information.
    agenda = ("Inriktningsbeslut avseende gatubelysning på enskilda vägar inom Kungsbacka kommun TE-2024-01119, "
              "Föredragande: Emir Halalkic, 17:35 – 18:05")
    chunk = make_chunk(agenda, "k", kommun="Kungsbacka", committee="Nämnden för Teknik", doc_type="kallelse",
                       title="Inriktningsbeslut avseende gatubelysning på enskilda vägar")
    plan = make_plan("Vilket inriktningsbeslut fattade nämnden för Teknik om gatubelysning på enskilda vägar?")
    assert not judge(plan, [agenda], _hits(chunk)).answerable
    plan = make_plan("Vad innebär inriktningen för gatubelysningen på enskilda vägar i Kungsbacka?")
    assert not judge(plan, [agenda], _hits(chunk)).answerable


def test_a_fee_question_asks_for_a_sum_of_money():
    from assistant.figures import MONEY_ASK

    assert MONEY_ASK.search("Hur mycket var timtaxan för hemtjänst i Kungsbacka 2025?")
    assert MONEY_ASK.search("Hur ändrades avgiften för korttidsvistelse?")
    assert not MONEY_ASK.search("Hur många elever klarar simkraven?")


def test_a_paragraph_reference_is_no_figure():
    plan = make_plan("Hur stor andel av maten var svenskproducerad?")
    chunk = make_chunk("Nämndsinitiativet behandlades vid sammanträdet 2023-02-07 (BUN §13/23).", "c1")
    assert not judge(plan, [chunk.text], _hits(chunk)).answerable


def test_one_figure_must_hold_both_the_kommun_and_the_year_asked():
    plan = make_plan("Hur stor var budgeten för socialnämnden i Tyresö 2019?")
    tyreso_2018 = make_chunk("Årets resultat blev ett underskott mot budget med 23 miljoner kronor.", "c1",
                             kommun="Tyresö", title="Verksamhetsberättelse för år 2018", date="2019-02-26")
    other_2019 = make_chunk("Under 2019 ökade budgeten för socialnämnden med 5,6 mkr.", "c2", kommun="Botkyrka",
                            title="Verksamhetsberättelse 2019", date="2020-02-18")
    assert not judge(plan, [tyreso_2018.text, other_2019.text], _hits(tyreso_2018, other_2019)).answerable
    tyreso_2019 = make_chunk("Socialnämndens budget för 2019 var 410 miljoner kronor.", "c3", kommun="Tyresö",
                             title="Budget 2019", date="2018-11-20")
    assert judge(plan, [tyreso_2019.text, other_2019.text], _hits(tyreso_2019, other_2019)).answerable


def test_every_quoted_sentence_is_judged_not_only_each_citations_first():
    from assistant.answerability import judge_answer
    from assistant.citations import make_citation, quote_line

    heading = "Yttrande avseende plan- och genomförandebeskrivning för Lomma 34:1"
    purpose = "Detaljplanens syfte är att pröva lämpligheten för kommunhus och gymnasieskola inom planområdet."
    chunk = make_chunk(f"{heading}\n{purpose}", "c1", title=heading, kommun="Lomma")
    plan = make_plan("Vad gäller detaljplanen för gymnasiet och kommunhuset?")
    hits = _hits(chunk)
    citations = (make_citation(1, hits[0], heading),)  # one citation per chunk, holding its first quote
    text = "\n".join(["Utdrag ur handlingarna som bäst matchar frågan:", quote_line(heading, 1), quote_line(purpose, 1)])
    assert not judge(plan, [c.quote for c in citations], hits).answerable  # the heading alone
    assert judge_answer(plan, text, citations, hits).answerable


def test_a_count_question_is_not_answered_by_a_sum_a_duration_or_a_day():
    plan = make_plan("Hur många lex Maria-anmälningar gjordes inom individ- och familjeomsorgen 2018?")
    for text in ("Arbetet med lex Maria-anmälningar inom individ- och familjeomsorgen 2018 kostade 2 miljoner kronor.",
                 "Individ- och familjeomsorgen redovisar lex Maria-anmälningar till nämnden den 14 november 2018."):
        chunk = make_chunk(text, "c1", title="Verksamhetsberättelse 2018", date="2019-02-26")
        assert not judge(plan, [text], _hits(chunk)).answerable, text
    counted = "Under 2018 gjordes 4 lex Maria-anmälningar inom individ- och familjeomsorgen."
    chunk = make_chunk(counted, "c2", title="Verksamhetsberättelse 2018", date="2019-02-26")
    assert judge(plan, [counted], _hits(chunk)).answerable


def test_count_filter_tells_counts_from_other_figures():
    from assistant.figures import CountFilter

    count = CountFilter()
    assert count.search("15 nyanlända hushåll ska ha fått ett hyreskontrakt")
    assert count.search("Det finns inga ärenden att redovisa")
    assert count.search("totalt 1 250 anmälningar.")
    for text in ("minst 36 timmars veckovila", "ungdomar 18-21 år", "ökade med 3,5 procent", "2,5 mkr", "12 %"):
        assert not count.search(text), text


def test_a_second_pass_quotes_the_sentence_that_holds_the_topic_the_decision_lacks():
    from assistant.answerability import judged_quotes

    question = "Hur mycket höjdes socialnämndens interna sparkrav för 2024 när budgeten reviderades?"
    decision = make_chunk("Socialnämnden beslutar fastställa reviderad nämndsbudget för socialnämnden år 2024 om "
                          "1 250 miljoner kronor.", "b", section="Beslut", title="Revidering av nämndsbudget 2024")
    reason = make_chunk("Orsaken till revideringen är att äldreomsorgsreformen felaktigt budgeterats. Nämndsbudgeten "
                        "revideras så att det interna sparkravet ökas från 18,6 miljoner kronor till 22,6 miljoner "
                        "kronor.", "a", section="Ärendet", title="Revidering av nämndsbudget 2024")
    text, _, verdict, _ = judged_quotes(make_plan(question), question, _hits(decision, reason), "sv", 1, 4)
    assert verdict.answerable and "22,6 miljoner kronor" in text
