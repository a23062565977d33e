/** What ingest found, as plain text for the curator's terminal. */
import type { Analysis, Finding } from './index.js';

const how = (f: Finding<string>): string =>
  f.how === 'found' ? f.note : `${f.how.toUpperCase()}: ${f.note}`;

export function formatReport(a: Analysis): string {
  const out: string[] = [];
  out.push(`Title      ${a.title.value}  [${how(a.title)}]`);
  out.push(`Id         ${a.id.value}  [${how(a.id)}]`);
  out.push(`Source     ${a.source.value}  [${how(a.source)}]`);
  out.push(`Published  ${a.published.value}  [${how(a.published)}]`);
  if (a.location) out.push(`Location   ${a.location.value}  [${how(a.location)}]`);
  if (a.dateline) out.push(`Dateline   ${a.dateline}`);
  if (a.byline) out.push(`Byline     ${a.byline}`);
  out.push(`Words      ${a.words}`);

  out.push('', `Sections (${a.sections.length}):`);
  a.sections.forEach((s, i) => {
    const flag = s.headingFound ? '' : '  [DERIVED heading]';
    const themes = s.themes.fallback
      ? `${s.themes.themes.join(', ')} (FALLBACK: no keyword matched)`
      : s.themes.themes.join(', ');
    out.push(
      `  ${i + 1}. ${s.heading}${flag}`,
      `     themes: ${themes}; ${s.paragraphs.length} paragraph(s)`,
    );
  });

  out.push('', `Quotes with a speaker (${a.quotes.length}):`);
  for (const q of a.quotes) {
    const role = q.role ? `, ${q.role}` : '';
    const pronoun = q.pronoun ? ` (text says "${q.pronoun}")` : '';
    out.push(`  - ${q.speaker}${role}${pronoun}: “${short(q.text)}”`);
  }
  if (a.unattributed.length > 0) {
    out.push('', `Quotes WITHOUT a speaker (${a.unattributed.length}) — not put in the draft's quote list:`);
    for (const q of a.unattributed) out.push(`  - “${short(q.text)}” — ${q.note ?? 'no speaker'}`);
  }

  out.push('', `Looking ahead (${a.lookahead.length}):`);
  for (const l of a.lookahead) {
    out.push(
      `  - ${l.horizon ? `[${l.horizon}] ` : ''}${l.text}`,
      `      themes: ${l.themes.join(', ')}; cue: "${l.cue}"`,
    );
  }
  if (a.warnings.length > 0) {
    out.push('', 'Check before publishing:');
    for (const w of a.warnings) out.push(`  ! ${w}`);
  }
  return out.join('\n');
}

const short = (s: string): string => (s.length > 140 ? `${s.slice(0, 137)}…` : s);
