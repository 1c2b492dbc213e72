"""The web app's stylesheet and the small browser scripts of the chat transcript."""

from __future__ import annotations

CSS = """
:root { --namnd-blue: #1d4f7c; --namnd-blue-soft: #e8f0f8; --namnd-ink: #1f2933; --namnd-mark: #ffe58a; }
.gradio-container { max-width: 1320px !important; margin: 0 auto;
  --color-accent: #1d4f7c; --color-accent-soft: #e8f0f8; --border-color-accent: #1d4f7c;
  --button-primary-background-fill: #1d4f7c; --button-primary-background-fill-hover: #163d61;
  --button-primary-border-color: #1d4f7c; --button-primary-border-color-hover: #163d61;
  --button-primary-text-color: #fff; --button-primary-text-color-hover: #fff;
  --checkbox-background-color-selected: #1d4f7c; --checkbox-border-color-selected: #1d4f7c;
  --checkbox-border-color-focus: #1d4f7c; --input-border-color-focus: #1d4f7c; --loader-color: #1d4f7c;
  --link-text-color: #1d4f7c; --table-row-focus: #e8f0f8; }
.namnd { font-size: 15px; color: var(--namnd-ink); }
.namnd button { font-family: inherit; }
.namnd p { margin: 0 0 8px; }
.app-header { display: flex; align-items: center; gap: 14px; padding: 14px 4px 6px; }
.app-header .logo { width: 40px; height: 40px; border-radius: 10px; background: var(--namnd-blue);
  color: #fff; display: flex; align-items: center; justify-content: center; font-weight: 700; font-size: 20px; }
.app-header h1 { margin: 0; font-size: 24px; font-weight: 700; color: var(--namnd-ink); }
.app-header p { margin: 0; color: #52606d; font-size: 14px; }
#transcript { min-height: 420px; }
.transcript { display: flex; flex-direction: column; gap: 18px; padding: 4px; }
.welcome { padding: 22px 26px; border: 1px solid #d9e2ec; border-radius: 14px; background: #fbfcfe; }
.welcome h2 { margin: 0 0 8px; color: var(--namnd-blue); font-size: 22px; font-weight: 700; }
.welcome ul { list-style: disc; padding-left: 22px; margin: 8px 0 12px; }
.welcome p { margin: 0 0 8px; line-height: 1.5; }
.welcome li { cursor: pointer; color: var(--namnd-blue); margin: 4px 0; }
.welcome li:hover { text-decoration: underline; }
.welcome .hint { color: #52606d; font-size: 14px; }
.welcome b { font-weight: 600; font-size: inherit; }
.q-bubble { align-self: flex-end; margin-left: auto; max-width: 80%; background: var(--namnd-blue); color: #fff;
  padding: 10px 14px; border-radius: 14px 14px 4px 14px; white-space: pre-wrap; width: fit-content; }
.a-bubble { background: #fff; border: 1px solid #d9e2ec; border-radius: 4px 14px 14px 14px; padding: 12px 16px;
  margin-top: 10px; max-width: 92%; color: var(--namnd-ink); line-height: 1.55; }
.a-bubble p { margin: 0 0 8px; }
.a-bubble.refusal { background: #fff8e6; border-color: #f0c36d; }
.a-bubble.error { background: #fdecec; border-color: #e5a1a1; }
.a-label { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: #7b8794; margin-bottom: 4px; }
.a-bubble .notice { font-size: 13px; color: #8a5a00; }
.a-bubble .query { font-size: 13px; color: #616e7c; font-style: italic; }
.typing { color: #7b8794; font-style: italic; }
.cursor { animation: namnd-blink 1s step-start infinite; color: var(--namnd-blue); }
@keyframes namnd-blink { 50% { opacity: 0; } }
a.cite { display: inline-block; padding: 0 4px; margin: 0 1px; border-radius: 5px; background: var(--namnd-blue-soft);
  color: var(--namnd-blue) !important; font-weight: 600; font-size: 0.85em; text-decoration: none !important; cursor: pointer; }
a.cite:hover { background: var(--namnd-blue); color: #fff !important; }
.a-actions { display: flex; gap: 8px; align-items: center; margin-top: 8px; flex-wrap: wrap; }
.a-actions button { border: 1px solid #cbd2d9; background: #fff; border-radius: 8px; padding: 4px 10px; cursor: pointer;
  font-size: 13px; color: #3e4c59; display: inline-flex; align-items: center; gap: 4px; }
.a-actions button:hover, .a-actions button.chosen { background: var(--namnd-blue-soft); border-color: var(--namnd-blue); }
.a-actions .thanks { color: #3f7d20; font-size: 13px; }
.sources { margin-top: 10px; display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 10px; }
.sources-label { grid-column: 1 / -1; font-weight: 600; color: #52606d; font-size: 13px; }
.source-card { border: 1px solid #d9e2ec; border-left: 4px solid var(--namnd-blue); border-radius: 10px;
  padding: 10px 12px; background: #fff; font-size: 14px; transition: box-shadow .3s, background .3s; scroll-margin: 80px; }
.source-card.uncited { border-left-color: #cbd2d9; opacity: .8; }
.source-card.flash { background: #fff6d6; box-shadow: 0 0 0 3px #f5c451; }
.card-head { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; }
.card-num { background: var(--namnd-blue); color: #fff; border-radius: 6px; padding: 0 7px; font-weight: 700; font-size: 13px; }
button.dnr { font-family: ui-monospace, monospace; font-size: 12.5px; background: var(--namnd-blue-soft); color: var(--namnd-blue);
  border: none; border-radius: 5px; padding: 1px 6px; cursor: pointer; }
button.dnr:hover { text-decoration: underline; }
.dnr-none { font-size: 12px; color: #7b8794; }
.card-title { font-weight: 600; margin: 6px 0 2px; color: var(--namnd-ink); }
.card-meta { color: #616e7c; font-size: 13px; }
.card-section { color: var(--namnd-blue); font-size: 12.5px; font-weight: 600; margin-top: 4px; }
.card-quote { margin: 6px 0; padding: 6px 10px; border-left: 3px solid #e4e7eb; color: #3e4c59; font-size: 13.5px;
  max-height: 190px; overflow: auto; }
mark { background: var(--namnd-mark); padding: 0 1px; border-radius: 2px; }
button.open-item { border: none; background: none; color: var(--namnd-blue); cursor: pointer; padding: 0; font-size: 13px; text-decoration: underline; }
.item-view { padding: 6px 4px; line-height: 1.55; }
.item-view h3 { margin: 8px 0 2px; }
.item-section { color: var(--namnd-blue); margin: 14px 0 4px; font-size: 14px; font-weight: 700; }
.item-chunk { padding: 2px 8px; border-radius: 6px; }
.item-chunk.focus { background: #fff6d6; border-left: 4px solid #f5c451; }
.case-head h3, .decisions h3, .item-view h3 { margin: 4px 0; font-size: 19px; font-weight: 700; color: var(--namnd-ink); }
.case-head { margin-bottom: 4px; }
.timeline { list-style: none; padding-left: 0; margin: 10px 0; border-left: 3px solid var(--namnd-blue-soft); }
.timeline-entry { display: grid; grid-template-columns: 120px 1fr; gap: 14px; padding: 10px 0 14px 14px; position: relative; }
.timeline-entry::before { content: ""; position: absolute; left: -8px; top: 16px; width: 13px; height: 13px;
  border-radius: 50%; background: var(--namnd-blue); }
.timeline-date { font-weight: 700; color: var(--namnd-blue); padding-top: 2px; }
.case-decision { margin-top: 8px; padding: 8px 12px; background: #f0f7ee; border-radius: 8px; border-left: 4px solid #3f7d20; }
.case-decision.none { background: #f5f7fa; border-left-color: #cbd2d9; color: #616e7c; }
.case-decision-label { font-weight: 700; font-size: 13px; color: #3f7d20; }
.case-layers { font-size: 13px; color: #616e7c; margin-top: 4px; }
.state { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; font-weight: 700; }
.state-beslut { background: #e3f1dc; color: #2f5e18; }
.state-förslag { background: #fff4d6; color: #7a5b00; }
.state-rapport { background: #e8f0f8; color: #1d4f7c; }
.answer-parts { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
.answer-parts th, .answer-parts td { border-top: 1px solid #d9e2ec; padding: 4px 10px 4px 0; text-align: left; vertical-align: top; }
.answer-parts td p { margin: 0; }
.answer-parts .missing { color: #616e7c; }
.case-vote, .case-reservations { margin-top: 8px; padding: 8px 12px; background: #f3f5fb; border-radius: 8px;
  border-left: 4px solid var(--namnd-blue); }
.case-vote .case-decision-label, .case-reservations .case-decision-label { color: var(--namnd-blue); }
.case-vote ul, .case-reservations ul { margin: 4px 0 0 18px; padding: 0; }
.a-bubble .detail, .case-empty .detail { font-size: 12px; color: #616e7c; margin-top: 4px; }
.case-empty { padding: 14px; background: #f5f7fa; border-radius: 10px; }
.decisions h3 { color: var(--namnd-blue) !important; border-bottom: 1px solid #d9e2ec; padding-bottom: 4px; }
.decisions .count { font-size: 13px; color: #7b8794; font-weight: 400; }
.decision { padding: 8px 0 10px; border-bottom: 1px dashed #e4e7eb; }
details summary { cursor: pointer; color: var(--namnd-blue); font-size: 13px; margin-top: 6px; }
.muted { color: #616e7c; font-size: 13px; }
#results span, #ingest-report span, #documents span { font-family: var(--font); }
"""

# Runs once when the transcript component loads; listeners are delegated to its root element,
# so they keep working while the HTML inside is replaced on every streamed token.
TRANSCRIPT_JS = """
async function copyText(text) {
  try { await navigator.clipboard.writeText(text); return true; }
  catch (e) {
    const ta = document.createElement('textarea'); ta.value = text; document.body.appendChild(ta);
    ta.select(); const ok = document.execCommand('copy'); ta.remove(); return ok;
  }
}
element.addEventListener('click', async (e) => {
  const cite = e.target.closest('a.cite');
  if (cite) {
    e.preventDefault();
    const card = element.querySelector('#' + cite.dataset.card);
    if (card) {
      card.scrollIntoView({behavior: 'smooth', block: 'center'});
      card.classList.add('flash'); setTimeout(() => card.classList.remove('flash'), 2000);
    }
    return;
  }
  const example = e.target.closest('.welcome li');
  if (example) { trigger('example', {text: example.innerText}); return; }
  const btn = e.target.closest('button');
  if (!btn) return;
  if (btn.dataset.chunk) { trigger('open_item', {chunk_id: btn.dataset.chunk}); }
  else if (btn.dataset.dnr) { trigger('open_case', {dnr: btn.dataset.dnr}); }
  else if (btn.dataset.rating) { trigger('feedback', {turn: Number(btn.dataset.turn), rating: Number(btn.dataset.rating)}); }
  else if (btn.classList.contains('copy')) {
    const text = btn.closest('.a-bubble').querySelector('textarea.plain').value;
    const ok = await copyText(text);
    btn.textContent = ok ? 'Kopierat ✓' : 'Kunde inte kopiera';
    setTimeout(() => { btn.textContent = 'Kopiera svar med källor'; }, 2500);
  }
});
"""

# Diarienummer buttons inside the case view and beslut list open that case.
CASE_JS = """
element.addEventListener('click', (e) => {
  const btn = e.target.closest('button.dnr');
  if (btn) { trigger('open_case', {dnr: btn.dataset.dnr}); }
});
"""

HEADER = """
<div class="app-header">
  <div class="logo">N</div>
  <div><h1>Nämndassistenten</h1>
  <p>Sök och ställ frågor i kommunala nämndhandlingar – varje svar med källhänvisning.</p></div>
</div>
"""
