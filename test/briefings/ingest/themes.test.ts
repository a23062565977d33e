import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { stems } from '../../../src/briefings/ingest/text.js';
import {
  chooseThemes,
  compileThemes,
  fallbackTheme,
  loadThemes,
  scoreStems,
} from '../../../src/briefings/ingest/themes.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'themes.yaml');

describe('theme matching on stems', async () => {
  const themes = await loadThemes(FIXTURE);
  const compiled = compileThemes(themes);
  const top = (heading: string | undefined, body: string) => chooseThemes(heading, body, compiled, 'outlook');

  test.each([
    [
      'Rebuilding after the war',
      'Donors discussed reconstructing bridges and economic recovery.',
      'economy-reconstruction',
    ],
    ['Deterrence first', 'Allies pledged air defences and more intelligence sharing.', 'security-defence'],
    [undefined, 'Refugees and displaced civilians need humanitarian aid before winter.', 'humanitarian'],
    [
      'Reforms and institutions',
      'Governance reforms strengthen institutional accountability.',
      'political-dialogue',
    ],
  ])('GIVEN heading "%s" and body "%s" THEN the top theme is %s', (heading, body, id) => {
    expect(top(heading, body).themes[0]).toBe(id);
  });

  test('GIVEN a keyword inside a longer word THEN it does not match (stems, not substrings)', () => {
    const scores = scoreStems(stems('The aidless, insecure village'), compiled);
    expect(scores.find((s) => s.id === 'humanitarian')?.matched).not.toContain('aid');
    expect(scores.find((s) => s.id === 'security-defence')?.score).toBe(0);
  });

  test('GIVEN a multi-word keyword THEN it matches only as consecutive words', () => {
    const together = scoreStems(stems('New air defences arrived.'), compiled).find(
      (s) => s.id === 'security-defence',
    );
    const apart = scoreStems(stems('The air was cold; defences held.'), compiled).find(
      (s) => s.id === 'security-defence',
    );
    expect(together?.matched).toContain('air defence');
    expect(apart?.matched).not.toContain('air defence');
  });

  test('GIVEN a passage no keyword matches THEN the fallback theme is chosen and flagged', () => {
    expect(top('Weather', 'It rained on Tuesday.')).toMatchObject({ themes: ['outlook'], fallback: true });
  });

  test('GIVEN a heading keyword THEN it outweighs a passing mention in the body', () => {
    const choice = top('Humanitarian Considerations', 'A word on economic matters.');
    expect(choice.themes[0]).toBe('humanitarian');
  });

  test('GIVEN a taxonomy without outlook THEN the first theme is the fallback', () => {
    expect(fallbackTheme(themes.filter((t) => t.id !== 'outlook'))).toBe('security-defence');
  });
});

describe('loadThemes', () => {
  test.each([
    ['not YAML', 'themes: [unclosed', /not valid YAML/],
    [
      'a theme without keywords',
      'themes:\n  - id: x\n    label: X\n    description: d\n    colour: "#000000"\n    keywords: []\n',
      /themes\.0\.keywords: list at least one keyword/,
    ],
  ])('GIVEN a themes file that is %s THEN loading fails with the reason', async (_, content, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'themes-'));
    const file = join(dir, 'themes.yaml');
    await writeFile(file, content);
    await expect(loadThemes(file)).rejects.toThrow(message);
  });

  test('GIVEN a missing themes file THEN loading fails naming the path', async () => {
    await expect(loadThemes('/nonexistent/themes.yaml')).rejects.toThrow(
      /cannot read the themes file \/nonexistent\/themes\.yaml/,
    );
  });
});
