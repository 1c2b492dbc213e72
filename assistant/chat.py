"""Assistant: retrieve, refuse or answer (LLM or extractive), verify citations; streaming first."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant import prompts
from assistant.archive import Archive
from assistant.citations import DECISION_SECTIONS, with_meeting_labels
from assistant.answerability import judged_quotes, scope_judgement
from assistant.condense import condense
from assistant.errors import LLMBackendError
from assistant.decision_state import protocol_first
from assistant.dnr_lines import dnr_line_first
from assistant.extractive import SentenceFilter, extractive_answer
from assistant.glossary import document_view, with_genre_synonyms
from assistant.intent import question_intent
from assistant.question_language import question_language
from assistant.llm import ChatModel, make_chat_model
from assistant.meeting_scope import held_months, unheld_meeting, unheld_text
from assistant.meetings import MeetingKey, meeting_keys, names_committee
from assistant.history import history_reply
from assistant.plan import QuestionPlan, make_plan
from assistant.procedure import follow_up_case, procedure_reply
from assistant.recipients import recipients_reply
from assistant.routes import DECISION_ASKED, add_quote, decision_date_note, decision_note, routed_reply, searched
from assistant.refusal import (
    CorpusScope, best_similarity, has_exact_match, missing_topic_share, out_of_scope, term_coverage,
)
from assistant.semantic import SentenceScorer, scorer_for
from assistant.settings import ChatSettings
from assistant.summary import (
    finished_summary, quoted_evidence, summary_messages, summary_so_far, verify_summary,
)
from assistant.year_scope import month_filters, named_committee, year_tier
from assistant.types import Answer, FinalEvent, SourcesEvent, StreamEvent, TokenEvent, Turn
from corpus.metadata import find_diarienummer
from corpus.paragraphs import find_paragraphs, normalize_paragraph
from corpus.types import Meeting
from index.types import Hit, SearchFilters

if TYPE_CHECKING:
    from assistant.settings import Settings
    from index.search import Searcher

log = logging.getLogger(__name__)
YEAR_HITS = 16  # hits ranked by year scope for a question naming a year (twice top_k; docs/evaluation.md, Session 7)
MODES = ("llm", "extractive")
CLOSEST_SOURCES = 3  # sources shown with a refusal


class Assistant:
    """Answers questions over the indexed nämndhandlingar, with verified citations."""

    def __init__(self, searcher: Archive, llm: ChatModel | None, settings: ChatSettings,
                 scope: CorpusScope | None = None, semantic: SentenceScorer | None = None) -> None:
        self.searcher = searcher
        self.settings = settings
        self.semantic = semantic  # encoder similarity of quoted sentences (None: lexical scores only)
        self._llm = llm  # None: built from settings on the first LLM answer (extractive never needs it)
        self._scope = scope
        self._meeting_keys: list[MeetingKey] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Assistant:
        """The real searcher over the index in settings; the LLM is loaded lazily."""
        from index.search import Searcher

        return cls.over(Searcher.from_settings(settings.index), None, settings.chat)

    @classmethod
    def over(cls, searcher: Searcher, llm: ChatModel | None, settings: ChatSettings) -> Assistant:
        """An assistant over a real searcher: its encoder also scores the quoted sentences (assistant/semantic.py)."""
        return cls(searcher, llm, settings, semantic=scorer_for(searcher.embedder, settings.semantic_weight))

    @property
    def llm(self) -> ChatModel:
        """The chat model, loaded on first use (raises LLMBackendError naming the setting to fix)."""
        if self._llm is None:
            self._llm = make_chat_model(self.settings)
        return self._llm

    @property
    def scope(self) -> CorpusScope:
        """Kommuner, nämnder and years of the indexed documents (read once)."""
        if self._scope is None:
            self._scope = CorpusScope.from_meetings(_meetings(self.searcher))
        return self._scope

    @property
    def meetings(self) -> list[MeetingKey]:
        """The indexed meetings (kommun, nämnd, date), read once like the scope."""
        if self._meeting_keys is None:
            self._meeting_keys = meeting_keys(_meetings(self.searcher))
        return self._meeting_keys

    def answer(self, question: str, history: Sequence[Turn] = (), filters: SearchFilters | None = None,
               mode: str | None = None) -> Answer:
        """The final Answer (the last event of `stream`)."""
        final = None
        for event in self.stream(question, history, filters, mode):
            if isinstance(event, FinalEvent):
                final = event.answer
        assert final is not None  # stream always ends with a FinalEvent
        return final

    def stream(self, question: str, history: Sequence[Turn] = (), filters: SearchFilters | None = None,
               mode: str | None = None) -> Iterator[StreamEvent]:
        """SourcesEvent first, then TokenEvents (LLM mode), then one FinalEvent."""
        mode = mode or self.settings.mode
        if mode not in MODES:
            raise ValueError(f"Unknown answer mode {mode!r}; use one of {MODES} (NAMND_CHAT__MODE).")
        language = question_language(question, history)
        question, notice = self._truncate(question, language)
        if not question:
            yield SourcesEvent((), "")
            yield FinalEvent(Answer(prompts.EMPTY_QUESTION[language], (), language, False, mode))
            return
        if filters is None and history:
            filters = history[-1].filters  # follow-ups keep the conversation's filters
        llm = self._llm if self.settings.condense_with_llm else None
        query = with_genre_synonyms(condense(question, history, llm, language))
        plan = make_plan(query, language)
        unheld = unheld_meeting(plan, self.meetings)
        if unheld is not None:  # "Vad beslutade KS den 10 december 2025?" and no such meeting is indexed
            yield SourcesEvent((), query)
            yield FinalEvent(Answer(unheld_text(unheld, language), (), language, False, mode, (), query, notice))
            return
        # Comparisons rank each part's hits by its own year (compare._in_part), so routes search unranked by scope.
        routed = routed_reply(plan, self.searcher, lambda q, f: self._retrieve(q, f, by_scope=False), filters,
                              self.meetings, language, self.semantic)
        if routed is not None:  # a case, meeting or comparison answered from its own cited evidence
            yield SourcesEvent(routed.hits, query)
            yield FinalEvent(Answer(routed.text, routed.citations, language, True, mode, routed.hits, query,
                                    notice, routed.parts, plan.route))
            return
        hits = self._retrieve(query, filters, plan=plan)
        yield SourcesEvent(tuple(hits), query)
        base = Answer("", (), language, False, mode, tuple(hits), query, notice)
        refusal, require = self._refusal(question, query, hits, language), None
        procedure = None
        if refusal is None:  # a case's history meeting by meeting, or the ärende's yrkanden and votering
            pinned = follow_up_case(question, history, self.searcher)  # "and how did the vote go?"
            procedure = history_reply(plan, hits, self.searcher, language, self.semantic) or procedure_reply(
                plan, pinned or hits, self.searcher, language, pinned=bool(pinned)) or recipients_reply(
                plan, hits, self.searcher, language)  # "Vem skickas beslutet till?"
        if procedure is not None and not (scope := scope_judgement(plan, procedure.hits)).answerable:
            log.info("Refusing %r: %s", query, scope.reason)  # a votering of another nämnd, year or kommun
            procedure, refusal = None, self._cannot_answer(plan, filters)
        if procedure is not None:  # "Vem yrkade …?", "Hur röstade …?": the ärende's own yrkanden and votering
            yield FinalEvent(replace(base, text=procedure.text, citations=procedure.citations, answered=True,
                                     sources=procedure.hits, mode=mode))
            return
        if refusal is None:
            refusal, require = self._unanswerable(plan, query, hits, filters)
        if refusal is not None:
            yield FinalEvent(replace(base, text=refusal, sources=tuple(hits[:CLOSEST_SOURCES])))
        elif mode == "extractive":
            yield FinalEvent(self._extractive(base, query, hits, plan=plan, require=require))
        else:
            yield from self._generate(base, query, hits, plan, require)

    def _truncate(self, question: str, language: str) -> tuple[str, str | None]:
        question = " ".join(question.split())
        limit = self.settings.max_question_chars
        if len(question) <= limit:
            return question, None
        return question[:limit].rsplit(" ", 1)[0], prompts.TRUNCATED_NOTICE[language].format(limit=limit)

    def _retrieve(self, query: str, filters: SearchFilters | None, by_scope: bool = True,
                  plan: QuestionPlan | None = None) -> list[Hit]:
        plan = plan or make_plan(query)
        hits = (self._scope_ranked(query, filters, plan) if by_scope and self.settings.rank_by_scope
                else self.searcher.search(query, filters=filters))
        if by_scope:
            hits = self._month_first(query, filters, hits, plan)
        unique, seen = [], set()
        for hit in hits:  # a decision repeated in kallelse, tjänsteskrivelse and bilaga is one source
            key = hit.chunk.duplicate_of or hit.chunk.chunk_id
            if key not in seen:
                seen.add(key)
                unique.append(hit)
        unique = protocol_first(unique)
        if by_scope and plan.wants("dnr") and not plan.diarienummer:  # "Vilket diarienummer har …?"
            unique = dnr_line_first(query, unique, self.searcher, filters)
        if question_intent(query).decision:  # "Vad beslutade ...?": the decision text goes first
            unique.sort(key=lambda h: h.chunk.section not in DECISION_SECTIONS)
        unique.sort(key=lambda h: not _carries_reference(query, h))  # the case the question names first
        return unique[: self.settings.context_chunks]

    def _month_first(self, query: str, filters: SearchFilters | None, hits: list[Hit],
                     plan: QuestionPlan) -> list[Hit]:
        """Hits from the meetings of the month the question puts a meeting in first ("Hur röstade BUN i februari
        2024 om …?"): the words rank the October 2023 decision on the same matter above February's vote.
        With the votering's proposition read from the chunk before (procedure.PROPOSITION_REACH): tune 224 -> 227
        of 293 key facts, answerable refused 12 -> 9, unanswerable refused 54 -> 54 of 61 (one lost, one won);
        held-out 176 -> 176, answerable refused 27 -> 25, 47 -> 47 (docs/evaluation.md, Session 11)."""
        months = held_months(plan, self.meetings)
        first: list[Hit] = []
        for month in months:
            scoped = month_filters(filters, month)
            if scoped is not None:
                first += self.searcher.search(query, filters=scoped)
        if not first:
            return hits
        ids = {h.chunk.chunk_id for h in first}
        return [*first, *(h for h in hits if h.chunk.chunk_id not in ids)]

    def _scope_ranked(self, query: str, filters: SearchFilters | None, plan: QuestionPlan) -> list[Hit]:
        """Hits with the chunks about the year the query's plan names first (searched twice as deep), then those of
        the one nämnd it names (assistant/year_scope.py)."""
        # a year named with its month or day is the meeting's date, ranked by search
        years = [y for y in plan.years if not any(m.startswith(str(y)) for m in (*plan.months, *plan.dates))]
        hits = self.searcher.search(query, k=YEAR_HITS if years else None, filters=filters)
        if years:
            hits = sorted(hits, key=lambda h: year_tier(h.chunk, years))
        committee = named_committee(plan.committees, [h.chunk.meeting.committee for h in hits
                                    if h.chunk.meeting.committee and names_committee(plan, h.chunk.meeting.committee)])
        if committee is not None:
            hits = sorted(hits, key=lambda h: h.chunk.meeting.committee != committee)
        return hits

    def _refusal(self, question: str, query: str, hits: Sequence[Hit], language: str) -> str | None:
        if not hits:
            return prompts.NO_EVIDENCE[language]
        missing = out_of_scope(question, self.scope, hits)
        if missing:
            return prompts.OUT_OF_SCOPE[language].format(what=missing)
        if has_exact_match(hits):
            return None
        similarity = best_similarity(hits)
        # English words never occur in the Swedish documents: judge coverage on their Swedish terms, of the
        # standalone query (a follow-up's carried subject included: "and how did the vote go?" alone has none).
        words = document_view(query, language)
        coverage = term_coverage(words, hits)
        absent = missing_topic_share(words, hits)
        if (similarity is not None and similarity < self.settings.min_relevance) or (
            coverage < self.settings.min_term_coverage
        ) or absent >= self.settings.max_missing_topic_share:
            log.info("Refusing %r: similarity %s, term coverage %.2f, topic words missing %.2f",
                     query, similarity, coverage, absent)
            return prompts.NO_EVIDENCE[language]
        return None

    def _unanswerable(self, plan: QuestionPlan, query: str, hits: Sequence[Hit],
                      filters: SearchFilters | None) -> tuple[str | None, SentenceFilter | None]:
        """(refusal saying what was searched, None) when the evidence the answer would quote does not answer it,
        else (None, the sentence filter the answer needs): an amount (date) question whose best sentences hold no
        number (date) is answered from the best sentences that do, when those pass the judgement.
        """
        _, _, verdict, require = judged_quotes(plan, query, hits, plan.language, self.settings.extractive_sentences,
                                               self.settings.context_chunks, self.semantic)
        if verdict.answerable:
            return None, require
        log.info("Refusing %r: %s", query, verdict.reason)
        return self._cannot_answer(plan, filters), None

    @staticmethod
    def _cannot_answer(plan: QuestionPlan, filters: SearchFilters | None) -> str:
        """The refusal that says what was searched: "Det framgår inte av handlingarna. Sökt: år 2024. …"."""
        return f"{prompts.CANNOT_ANSWER_BY_LANGUAGE[plan.language]} {searched(plan, filters, plan.language)} " \
               f"{prompts.NO_EVIDENCE[plan.language].split('. ', 1)[-1]}"

    def _extractive(self, base: Answer, query: str, hits: Sequence[Hit], notice: str | None = None,
                    plan: QuestionPlan | None = None, require: SentenceFilter | None = None) -> Answer:
        # Scored against the standalone query: "och vad berodde det på?" alone matches nothing.
        text, citations = extractive_answer(query, hits, base.language, self.settings.extractive_sentences,
                                            max_chunks=self.settings.context_chunks, require=require,
                                            semantic=self.semantic)
        notice = " ".join(n for n in (base.notice, notice) if n) or None
        if not citations:
            return replace(base, text=prompts.NO_EVIDENCE[base.language], mode="extractive",
                           sources=tuple(hits[:CLOSEST_SOURCES]), notice=notice)
        text = with_meeting_labels(text, citations)  # quotes from several sammanträden say which is which
        sources = tuple(hits)
        if plan is not None and plan.wants("decision"):
            # "Vad beslutade …?": say whether this is the protocol's decision or a proposal.
            note, taken, sentence = decision_note(citations, hits, self.searcher, base.language)
            if taken is not None and sentence is not None:
                text, citations, sources = add_quote(text, citations, sources, taken, sentence)
            text = f"{text}\n{note}" if note else text
        if plan is not None and plan.wants("date") and DECISION_ASKED.search(plan.question):
            dated = decision_date_note(text, citations, sources, base.language)
            text = f"{text}\n{dated}" if dated else text
        return replace(base, text=text, citations=citations, answered=True, mode="extractive", notice=notice,
                       sources=sources)

    def _generate(self, base: Answer, query: str, hits: Sequence[Hit], plan: QuestionPlan,
                  require: SentenceFilter | None) -> Iterator[StreamEvent]:
        """The extractive answer, led by a short model answer over its quotes when every claim checks out."""
        quotes = self._extractive(base, query, hits, plan=plan, require=require)
        if not quotes.answered:
            yield FinalEvent(replace(quotes, mode="llm"))
            return
        evidence = quoted_evidence(quotes.text, hits)
        pieces: list[str] = []
        reply: str | None = None  # set when the summary is done before the model stops by itself
        stream: Iterator[str] = iter(())
        try:
            stream = self.llm.stream(summary_messages(query, evidence, base.language))
            for token in stream:
                pieces.append(token)
                yield TokenEvent(token)
                # One or two sentences: stop reading (and the model decoding) as soon as they are written.
                reply = summary_so_far("".join(pieces), capped=len(pieces) >= self.settings.summary_max_tokens)
                if reply is not None:
                    break
        except LLMBackendError as exc:
            if not self.settings.fallback_to_extractive:
                raise
            log.error("%s", exc)
            notice = prompts.BACKEND_FAILED[base.language].format(error=str(exc))
            yield FinalEvent(replace(quotes, notice=" ".join(n for n in (quotes.notice, notice) if n)))
            return
        finally:
            getattr(stream, "close", lambda: None)()
        summary = verify_summary(finished_summary("".join(pieces)) if reply is None else reply, evidence)
        if summary.text is None:
            log.info("LLM summary withheld (%s): %r", summary.reason, "".join(pieces)[:200])
            notice = prompts.EMPTY_LLM_ANSWER[base.language]
            yield FinalEvent(replace(quotes, notice=" ".join(n for n in (quotes.notice, notice) if n)))
            return
        yield FinalEvent(replace(quotes, text=f"{summary.text}\n\n{quotes.text}", mode="llm"))


def _carries_reference(query: str, hit: Hit) -> bool:
    """Whether `hit` carries a diarienummer or § the query names ("SN/2023:144", "§ 1014")."""
    chunk = hit.chunk
    if any(dnr in chunk.diarienummer for dnr in find_diarienummer(query)):
        return True
    paragraph = normalize_paragraph(chunk.paragraph)
    return paragraph is not None and paragraph in find_paragraphs(query)


def _meetings(archive: Archive) -> list[Meeting]:
    """Meetings of the indexed documents: kommun, nämnd, date and type are all the scope reads."""
    return [Meeting(kommun=d.kommun, committee=d.committee, date=d.date, time=None, place=None,
                    doc_type=d.doc_type) for d in archive.documents()]
