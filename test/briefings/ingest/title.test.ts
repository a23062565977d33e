import { expect, test } from 'vitest';
import { deriveTitle, keyPhrase } from '../../../src/briefings/ingest/title.js';

const seedLike = [
  'Brussels Morning Newspaper highlights renewed diplomatic momentum as senior officials from Washington and Kyiv convene at a pivotal moment.',
  'US Ukraine talks have taken on heightened importance.',
  'The latest round of US Ukraine talks reinforces this role.',
  'Participants describe US Ukraine talks as an investment.',
];

test('GIVEN a phrase with a name repeated three times THEN it is the key phrase', () => {
  expect(keyPhrase(seedLike)).toBe('US Ukraine talks');
});

test('GIVEN no phrase repeated three times THEN there is no key phrase', () => {
  expect(keyPhrase(['Ministers met in Rome.', 'They left on Friday.'])).toBeUndefined();
});

test('GIVEN a lead that names its source THEN the title is the key phrase and the main clause, source dropped', () => {
  expect(deriveTitle(seedLike, 'Brussels Morning Newspaper')).toBe(
    'US Ukraine talks: renewed diplomatic momentum',
  );
});

test('GIVEN a plain lead and no key phrase THEN the title is its main clause, capitalised', () => {
  expect(deriveTitle(['donors pledged new funds for the grid, officials said.'])).toBe(
    'Donors pledged new funds for the grid',
  );
});
