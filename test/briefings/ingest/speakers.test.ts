import { describe, expect, test } from 'vitest';
import { attributionAfter, attributionBefore } from '../../../src/briefings/ingest/speakers.js';

describe('attributionAfter (words after the closing mark)', () => {
  test.each([
    [
      ' said Gen. Mark Alvarez, chairman of the Military Committee.',
      'Gen. Mark Alvarez',
      'chairman of the Military Committee',
    ],
    [' Kowalczyk told a news conference.', 'Kowalczyk', undefined],
    [
      ' according to Paolo Bianchi, the conference’s Italian co-chair.',
      'Paolo Bianchi',
      'the conference’s Italian co-chair',
    ],
    [' one senior banker told Continental Policy Wire on the sidelines.', 'One senior banker', undefined],
    [
      ' the U.S. ambassador to the OSCE, Laura Bennett, said in her remarks.',
      'Laura Bennett',
      'the U.S. ambassador to the OSCE',
    ],
    [
      ' said Dr. Amira Haddad, the ICRC’s regional director.',
      'Dr. Amira Haddad',
      'the ICRC’s regional director',
    ],
    [' she said.', 'she', undefined],
    [
      ' said Fatou Diallo of the Sahel Civil Society Network, adding that…',
      'Fatou Diallo',
      'of the Sahel Civil Society Network',
    ],
    [' the ministry said in a statement.', 'The ministry', undefined],
  ])('GIVEN "…”%s" THEN the speaker is %s', (after, speaker, role) => {
    const a = attributionAfter(after);
    expect(a?.speaker).toBe(speaker);
    expect(a?.role).toBe(role);
  });

  test.each([
    [' and the talks ended there.'],
    [' Later, officials said the mood was tense.'],
    [' The decision was reversed a week later.'],
    [''],
  ])('GIVEN a quotation that ended its sentence, then "%s" THEN no speaker is claimed', (after) => {
    expect(attributionAfter(after, true)).toBeUndefined();
  });

  test('GIVEN a quotation that ended its sentence, then a bare "Weber said." THEN Weber is the speaker', () => {
    expect(attributionAfter(' Weber said.', true)?.speaker).toBe('Weber');
  });
});

describe('attributionBefore (words before the opening mark)', () => {
  test.each([
    ['A senior transatlantic official said, ', 'A senior transatlantic official', 'said-before'],
    ['Melnyk told delegates: ', 'Melnyk', 'said-before'],
    ['Mr. Lund said, ', 'Mr. Lund', 'said-before'],
    [
      'According to NATO Secretary General Mette Lindqvist, ',
      'NATO Secretary General Mette Lindqvist',
      'according-to',
    ],
    ['As one diplomat put it, ', 'One diplomat', 'put-it'],
    ['Kim: ', 'Kim', 'colon'],
    ['Foreign Minister Jan Novak: ', 'Foreign Minister Jan Novak', 'colon'],
    ['The next day, Weber said: ', 'Weber', 'said-before'],
    [
      'One of the abstaining delegations said in a statement that the text ',
      'One of the abstaining delegations',
      'said-before',
    ],
    [
      'Moldova’s President, Ana Ceban, welcomed the decision but warned that reforms ',
      'Ana Ceban',
      'said-before',
    ],
    [
      'Ambassador Grace Mensah of Ghana told the council that the extension was ',
      'Ambassador Grace Mensah',
      'said-before',
    ],
    [
      'Hungary’s state secretary for energy, László Farkas, said national reserves were ',
      'László Farkas',
      'said-before',
    ],
    [
      'One European ambassador, who asked not to be named because the talks were private, described the mood as ',
      'One European ambassador',
      'said-before',
    ],
  ])('GIVEN "%s“…" THEN the speaker is %s (%s)', (before, speaker, via) => {
    const a = attributionBefore(before);
    expect(a?.speaker).toBe(speaker);
    expect(a?.via).toBe(via);
  });

  test.each([
    ['On the sidelines, one slogan was repeated by several delegations: '],
    ['The report is titled '],
    ['Its message was simple: '],
  ])('GIVEN "%s“…" THEN no speaker is claimed', (before) => {
    expect(attributionBefore(before)).toBeUndefined();
  });
});
