/**
 * In Discord a user picks an autocomplete suggestion; at a console prompt they type words. So a
 * typed value that is not itself one of the suggestions is looked up through the command's own
 * autocomplete, and the best suggestion that matches every typed word is used instead
 * (`/theme security` → `security-defence`). The console says so, so nothing happens silently.
 * A value nothing matches is passed on as typed, and the command answers it as Discord would.
 */
import type { APIApplicationCommandOptionChoice } from 'discord.js';
import type { CommandContext, FocusedOption, RawOptions } from '../../commands/index.js';
import type { ParsedLine } from './parse.js';

export type Autocomplete = (
  name: string,
  focused: FocusedOption,
  raw: RawOptions,
  ctx: CommandContext,
) => Promise<APIApplicationCommandOptionChoice[]>;

export interface Resolution {
  raw: RawOptions;
  /** One line per value that was replaced, e.g. `theme: "security" → security-defence (Security & defence)`. */
  notes: string[];
}

const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

const wordsOf = (s: string): string[] =>
  fold(s)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/** Every typed word starts some word of the choice's name or value. */
export function matches(typed: string, choice: APIApplicationCommandOptionChoice): boolean {
  const wanted = wordsOf(typed);
  if (wanted.length === 0) return false;
  const have = [...wordsOf(choice.name), ...wordsOf(String(choice.value))];
  return wanted.every((w) => have.some((h) => h.startsWith(w)));
}

export async function resolveAutocomplete(
  parsed: ParsedLine,
  ctx: CommandContext,
  autocomplete: Autocomplete,
): Promise<Resolution> {
  const raw: RawOptions = { ...parsed.raw };
  const notes: string[] = [];
  for (const option of parsed.autocompletable) {
    const typed = raw[option];
    if (typeof typed !== 'string') continue;
    let choices: APIApplicationCommandOptionChoice[];
    try {
      choices = await autocomplete(parsed.name, { name: option, value: typed }, raw, ctx);
    } catch {
      // Autocomplete is a convenience: if it fails, the command judges the typed value itself.
      continue;
    }
    if (choices.some((c) => String(c.value) === typed)) continue;
    const exact = choices.find((c) => fold(String(c.value)) === fold(typed) || fold(c.name) === fold(typed));
    const matching = exact ? [exact] : choices.filter((c) => matches(typed, c));
    const best = matching[0] ?? (choices.length === 1 ? choices[0] : undefined);
    if (best === undefined) continue;
    raw[option] = typeof best.value === 'string' ? best.value : String(best.value);
    const named = best.name === String(best.value) ? '' : ` (${best.name})`;
    const others = matching.slice(1, 4).map((c) => String(c.value));
    const more = matching.length > 4 ? `, +${matching.length - 4} more` : '';
    const also = others.length > 0 ? `; also matching: ${others.join(', ')}${more}` : '';
    notes.push(`${option}: "${typed}" → ${String(best.value)}${named}${also}`);
  }
  return { raw, notes };
}
