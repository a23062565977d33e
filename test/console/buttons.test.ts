import { ButtonStyle } from 'discord.js';
import { describe, expect, test } from 'vitest';
import { findButton, pressablesOf } from '../../src/console/buttons.js';

const buttons = pressablesOf({
  components: [
    {
      type: 1,
      components: [
        { type: 2, style: ButtonStyle.Secondary, label: '◀ Prev', custom_id: 'p' },
        { type: 2, style: ButtonStyle.Secondary, label: 'Next ▶', custom_id: 'n' },
        { type: 2, style: ButtonStyle.Primary, label: 'Another quote', custom_id: 'aq' },
        { type: 2, style: ButtonStyle.Primary, label: 'Another theme', custom_id: 'at' },
        { type: 2, style: ButtonStyle.Secondary, emoji: { name: '🔁' }, custom_id: 'e' },
        { type: 2, style: ButtonStyle.Link, label: 'Source', url: 'https://example.org' },
      ],
    },
  ],
});

describe('GIVEN the buttons of the last reply', () => {
  test.each<[string, string[]]>([
    ['next', ['Next ▶']],
    ['NEXT ▶', ['Next ▶']],
    ['prev', ['◀ Prev']],
    ['another quote', ['Another quote']],
    ['another t', ['Another theme']],
    ['ano quo', ['Another quote']],
    ['another', ['Another quote', 'Another theme']],
    ['🔁', ['🔁']],
    ['source', ['Source']],
    ['quote', []],
    ['hello', []],
    ['!!', []],
  ])('WHEN "%s" is typed THEN it names %j', (typed, labels) => {
    expect(findButton(buttons, typed).map((b) => b.label)).toEqual(labels);
  });
});
