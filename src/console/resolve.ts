/**
 * In Discord a user picks an autocomplete suggestion; at a console prompt they type words. So a
 * typed value that is not itself one of the suggestions is looked up through the command's own
 * autocomplete, and the best suggestion that matches every typed word is used instead
 * (`/theme security` → `security-defence`). The console says so, so nothing happens silently.
 * A value nothing matches is passed on as typed, and the command answers it as Discord would.
 */
import type { APIApplicationCommandOptionChoice } from 'discord.js';
import type { CommandContext, FocusedOption, RawOptions } from '../../commands/index.js';
import { type ParsedLine, requiredError } from './parse.js';

export type Autocomplete = (
  name: string,
  focused: FocusedOption,
  raw: RawOptions,
  ctx: CommandContext,
) => Promise<APIApplicationCommandOptionChoice[]>;

interface Resolution {
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
  const suggest = async (option: string, value: string): Promise<APIApplicationCommandOptionChoice[]> => {
    try {
      return await autocomplete(parsed.name, { name: option, value }, raw, ctx);
    } catch {
      // Autocomplete is a convenience: if it fails, the command judges the typed value itself.
      return [];
    }
  };

  const [missing] = parsed.missing;
  if (missing !== undefined) {
    // Never filled in, even with one choice: `/schedule remove` must not pick a schedule itself.
    const choices = await suggest(missing, '');
    throw requiredError(
      missing,
      parsed.usage,
      choices.map((c) => String(c.value)),
    );
  }

  await rejoinSplitValues(parsed, raw, suggest, notes);

  for (const option of parsed.autocompletable) {
    const typed = raw[option];
    if (typeof typed !== 'string') continue;
    const choices = await suggest(option, typed);
    if (choices.some((c) => String(c.value) === typed)) continue;
    const exact = choices.find((c) => fold(String(c.value)) === fold(typed) || fold(c.name) === fold(typed));
    const matching = exact ? [exact] : choices.filter((c) => matches(typed, c));
    const best = matching[0] ?? (choices.length === 1 ? choices[0] : undefined);
    if (best === undefined) continue;
    const value = String(best.value);
    raw[option] = value;
    // Suggestion names often end with the id already: "Security & defence (security-defence)".
    const shown = best.name.includes(value) ? best.name : `${value} (${best.name})`;
    const others = matching.slice(1, 4).map((c) => String(c.value));
    const more = matching.length > 4 ? `, +${matching.length - 4} more` : '';
    const also = others.length > 0 ? `; also matching: ${others.join(', ')}${more}` : '';
    notes.push(`${option}: "${typed}" → ${shown}${also}`);
  }
  return { raw, notes };
}

/**
 * `/theme security & defence` fills `theme` with "security" and `briefing` with "& defence". When
 * the later value matches nothing and the two together match the earlier option, the user meant
 * one value with spaces: join them back.
 */
async function rejoinSplitValues(
  parsed: ParsedLine,
  raw: RawOptions,
  suggest: (option: string, value: string) => Promise<APIApplicationCommandOptionChoice[]>,
  notes: string[],
): Promise<void> {
  const candidates = parsed.positional.filter((n) => parsed.autocompletable.includes(n));
  for (let i = candidates.length - 1; i >= 1; i--) {
    const first = candidates[i - 1];
    const second = candidates[i];
    if (first === undefined || second === undefined) continue;
    const a = raw[first];
    const b = raw[second];
    if (typeof a !== 'string' || typeof b !== 'string') continue;
    const known = (value: string, choices: APIApplicationCommandOptionChoice[]) =>
      choices.some((c) => String(c.value) === value || matches(value, c));
    if (known(b, await suggest(second, b))) continue;
    const joined = `${a} ${b}`;
    if (!known(joined, await suggest(first, joined))) continue;
    raw[first] = joined;
    delete raw[second];
    notes.push(`read "${joined}" as one ${first} (no ${second} matches "${b}")`);
  }
}
