/**
 * Pressing buttons by typing: the console keeps the buttons of the newest reply that had any and
 * finds the one a typed line names.
 */
import { type APIButtonComponent, ButtonStyle } from 'discord.js';
import type { Reply } from '../render/index.js';
import { buttonLabel } from './render-text.js';

export interface Pressable {
  label: string;
  button: APIButtonComponent;
}

export const pressablesOf = (reply: Reply): Pressable[] =>
  (reply.components ?? [])
    .flatMap((row) => row.components)
    .map((button) => ({ label: buttonLabel(button), button }));

/** Letters and digits only: "Next ▶" and "next" are the same label. */
const fold = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N}]+/gu, '')
    .toLowerCase();

/**
 * The buttons a typed line names: the one whose label it is (ignoring case, spaces, arrows and
 * emoji), else those whose label it begins, so `another` presses "Another quote".
 */
export function findButton(buttons: readonly Pressable[], line: string): Pressable[] {
  const exact = buttons.filter((b) => b.label.toLowerCase() === line.toLowerCase());
  if (exact.length > 0) return exact.slice(0, 1);
  const wanted = fold(line);
  if (wanted === '') return [];
  const same = buttons.filter((b) => fold(b.label) === wanted);
  if (same.length > 0) return same.slice(0, 1);
  const words = line.toLowerCase().split(/\s+/);
  return buttons.filter((b) => {
    const label = b.label
      .toLowerCase()
      .split(/\s+/)
      .filter((w) => fold(w) !== '');
    return words.every((w, i) => label[i]?.startsWith(w));
  });
}

export const isPressable = (button: APIButtonComponent): boolean =>
  !button.disabled && button.style !== ButtonStyle.Link && button.style !== ButtonStyle.Premium;
