import { describe, expect, test } from 'vitest';
import type { Library } from '../../../src/briefings/index.js';
import { type AdminHelp, type MemberHelp, renderHelp } from '../../../src/render/views/help.js';

/** A snapshot with no themes and no briefings: the examples fall back to placeholders. */
const empty = { themes: [], latest: () => [] } as unknown as Library;

const member = (order: number, usage: string): MemberHelp => ({
  order,
  usage,
  summary: `${usage} does a thing.`,
  examples: ({ theme }) => [`${usage} theme:${theme}`],
});
const admin = (order: number, name: string): AdminHelp => ({ order, usage: `/${name}`, summary: 'does' });

const fieldsOf = (members: MemberHelp[], admins: AdminHelp[]) =>
  renderHelp(empty, { members, admins }).embeds?.[0]?.fields ?? [];

describe('renderHelp', () => {
  test('GIVEN entries in any order WHEN rendered THEN lower order comes first, ties by usage', () => {
    const fields = fieldsOf([member(20, '/b'), member(10, '/z'), member(20, '/a')], []);
    expect(fields.map((f) => f.name)).toEqual(['/z', '/a', '/b']);
  });

  test('GIVEN an empty library WHEN rendered THEN the examples use placeholders that still read as typed', () => {
    const [field] = fieldsOf([member(1, '/theme')], []);
    expect(field?.value).toBe('/theme does a thing.\n`/theme theme:security-defence`');
  });

  test('GIVEN no admin commands WHEN rendered THEN there is no field for server admins', () => {
    expect(fieldsOf([member(1, '/a')], []).map((f) => f.name)).toEqual(['/a']);
  });

  test.each([
    [1, [admin(1, 'one')], '`/one` does. It needs the Manage Server permission.'],
    [
      2,
      [admin(2, 'two'), admin(1, 'one')],
      '`/one` does; `/two` does. Both need the Manage Server permission.',
    ],
    [
      3,
      [admin(1, 'a'), admin(2, 'b'), admin(3, 'c')],
      '`/a` does; `/b` does; `/c` does. All need the Manage Server permission.',
    ],
  ])('GIVEN %i admin commands WHEN rendered THEN one field names each, in order', (_count, admins, value) => {
    expect(fieldsOf([], admins)).toEqual([{ name: 'For server admins', value }]);
  });

  test('GIVEN an admin command with refusals WHEN rendered THEN they get their own field after the admin one', () => {
    const fields = fieldsOf([], [{ ...admin(1, 'schedule'), refusals: 'Each refusal names the fix.' }]);
    expect(fields.map((f) => f.name)).toEqual(['For server admins', 'When /schedule says no']);
    expect(fields[1]?.value).toBe('Each refusal names the fix.');
  });
});
