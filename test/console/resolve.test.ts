import { describe, expect, test } from 'vitest';
import { matches } from '../../src/console/resolve.js';

describe('GIVEN typed words and an autocomplete suggestion', () => {
  test.each([
    ['security', 'Security & defence', 'security-defence', true],
    ['defence', 'Security & defence', 'security-defence', true],
    ['sec def', 'Security & defence', 'security-defence', true],
    ['politique', 'Dialogue politique', 'political-dialogue', true],
    ['zelensky', 'Volodymyr Zelenskyy', 'Volodymyr Zelenskyy', true],
    ['Žygimantas', 'Zygimantas Pavilionis', 'Zygimantas Pavilionis', true],
    ['fence', 'Security & defence', 'security-defence', false],
    ['security economy', 'Security & defence', 'security-defence', false],
    ['', 'Security & defence', 'security-defence', false],
  ])('WHEN "%s" is typed for "%s" THEN it matches: %s', (typed, name, value, expected) => {
    expect(matches(typed, { name, value })).toBe(expected);
  });
});
