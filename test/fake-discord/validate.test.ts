/**
 * What the fake refuses, checked directly on request bodies: Discord's spec (discord-api-spec/zod)
 * plus the rules the spec does not carry. Each case is a body discord.js would happily send.
 */
import { describe, expect, test } from 'vitest';
import { invalidFormBody, validateBody } from './validate.js';

const row = (...customIds: string[]) => ({
  type: 1,
  components: customIds.map((id) => ({ type: 2, style: 1, label: 'b', custom_id: id })),
});

const paths = (kind: Parameters<typeof validateBody>[0], body: unknown) =>
  validateBody(kind, body).map((p) => `${p.path} ${p.code}`);

describe('GIVEN a channel message body', () => {
  test.each([
    [
      'a 4,097-character description (spec)',
      { embeds: [{ description: 'x'.repeat(4097) }] },
      'embeds.0.description BASE_TYPE_MAX_LENGTH',
    ],
    ['2,001 characters of content', { content: 'x'.repeat(2001) }, 'content BASE_TYPE_MAX_LENGTH'],
    [
      '11 embeds',
      { embeds: Array.from({ length: 11 }, () => ({ title: 't' })) },
      'embeds BASE_TYPE_MAX_LENGTH',
    ],
    [
      'embeds of 6,001 characters together',
      {
        embeds: [
          { title: 'x'.repeat(256), description: 'y'.repeat(4096) },
          { description: 'z'.repeat(1649) },
        ],
      },
      'embeds MAX_EMBED_SIZE_EXCEEDED',
    ],
    [
      'six action rows',
      { components: Array.from({ length: 6 }, (_, n) => row(`b${n}`)) },
      'components BASE_TYPE_MAX_LENGTH',
    ],
    [
      'six buttons in a row',
      { components: [row('a', 'b', 'c', 'd', 'e', 'f')] },
      'components.0.components BASE_TYPE_MAX_LENGTH',
    ],
    [
      'a 101-character custom id',
      { components: [row('c'.repeat(101))] },
      'components.0.components.0.custom_id BASE_TYPE_MAX_LENGTH',
    ],
    [
      'a custom id used twice',
      { components: [row('same'), row('same')] },
      'components.1.components.0.custom_id COMPONENT_CUSTOM_ID_DUPLICATED',
    ],
    [
      'a link button with a custom id',
      {
        components: [
          {
            type: 1,
            components: [{ type: 2, style: 5, label: 'l', url: 'https://example.org', custom_id: 'x' }],
          },
        ],
      },
      'components.0.components.0 BUTTON_COMPONENT_INVALID',
    ],
    ['a 26-character nonce', { content: 'x', nonce: 'n'.repeat(26) }, 'nonce BASE_TYPE_MAX_LENGTH'],
    [
      'an empty field value',
      { embeds: [{ fields: [{ name: 'a', value: '' }] }] },
      'embeds.0.fields.0.value BASE_TYPE_REQUIRED',
    ],
    ['a colour above 0xFFFFFF', { embeds: [{ color: 0x1000000 }] }, 'embeds.0.color NUMBER_TYPE_MAX'],
    [
      'a footer with no text field type',
      { embeds: [{ footer: { text: 42 } }] },
      'embeds.0.footer.text BASE_TYPE_BAD_TYPE',
    ],
    ['nothing to show', { content: '' }, ' MESSAGE_EMPTY'],
  ])('WHEN it has %s THEN the problem is %s', (_, body, expected) => {
    expect(paths('message-create', body)).toContain(expected);
  });

  test.each([
    [
      '6,000 characters of embeds exactly',
      {
        embeds: [
          { title: 'x'.repeat(256), description: 'y'.repeat(4096) },
          { description: 'z'.repeat(1648) },
        ],
      },
    ],
    [
      'five rows of five buttons',
      {
        components: Array.from({ length: 5 }, (_, r) =>
          row(...Array.from({ length: 5 }, (_, b) => `r${r}b${b}`)),
        ),
      },
    ],
    [
      '2,000 characters of content and allowed_mentions parse []',
      { content: 'x'.repeat(2000), allowed_mentions: { parse: [] } },
    ],
    ['a 25-character nonce with enforce_nonce', { content: 'x', nonce: 'n'.repeat(25), enforce_nonce: true }],
  ])('WHEN it has %s THEN it passes', (_, body) => {
    expect(validateBody('message-create', body)).toEqual([]);
  });
});

describe('GIVEN an interaction callback body', () => {
  test.each([
    [
      '26 autocomplete choices',
      {
        type: 8,
        data: { choices: Array.from({ length: 26 }, (_, n) => ({ name: `c${n}`, value: `v${n}` })) },
      },
      'data.choices BASE_TYPE_MAX_LENGTH',
    ],
    [
      'an autocomplete choice value of 101 characters',
      { type: 8, data: { choices: [{ name: 'c', value: 'v'.repeat(101) }] } },
      'data.choices.0.value BASE_TYPE_MAX_LENGTH',
    ],
    [
      'a reply with 7,000 characters of embeds',
      { type: 4, data: { embeds: [{ description: 'x'.repeat(4000) }, { description: 'y'.repeat(3000) }] } },
      'data.embeds MAX_EMBED_SIZE_EXCEEDED',
    ],
    ['an empty reply', { type: 4, data: {} }, 'data MESSAGE_EMPTY'],
    ['an unknown callback type', { type: 42 }, 'type BASE_TYPE_CHOICES'],
  ])('WHEN it is %s THEN the problem is %s', (_, body, expected) => {
    expect(paths('interaction-callback', body)).toContain(expected);
  });

  test('WHEN the spec and a rule catch the same mistake THEN it is reported once', () => {
    const body = {
      type: 8,
      data: { choices: Array.from({ length: 30 }, (_, n) => ({ name: `c${n}`, value: `v${n}` })) },
    };
    expect(paths('interaction-callback', body)).toEqual(['data.choices BASE_TYPE_MAX_LENGTH']);
  });
});

describe('GIVEN application command definitions', () => {
  const command = (over: Record<string, unknown> = {}) => ({
    name: 'brief',
    description: 'The latest briefing',
    ...over,
  });

  test('WHEN default_member_permissions is a string of digits as discord.js sends it THEN it passes', () => {
    expect(validateBody('commands-bulk', [command({ default_member_permissions: '32' })])).toEqual([]);
  });

  test.each([
    ['an upper-case name', [command({ name: 'Brief' })], '0.name APPLICATION_COMMAND_INVALID_NAME'],
    ['two commands with one name', [command(), command()], '1.name APPLICATION_COMMANDS_DUPLICATE_NAME'],
    [
      'a required option after an optional one',
      [
        command({
          options: [
            { type: 3, name: 'a', description: 'a' },
            { type: 3, name: 'b', description: 'b', required: true },
          ],
        }),
      ],
      '0.options.1.required APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
    ],
    [
      'autocomplete together with choices',
      [
        command({
          options: [
            {
              type: 3,
              name: 'a',
              description: 'a',
              autocomplete: true,
              choices: [{ name: 'x', value: 'x' }],
            },
          ],
        }),
      ],
      '0.options.0.autocomplete APPLICATION_COMMAND_AUTOCOMPLETE_INVALID',
    ],
    [
      'a 101-character description',
      [command({ description: 'd'.repeat(101) })],
      '0.description BASE_TYPE_MAX_LENGTH',
    ],
  ])('WHEN the list has %s THEN the problem is %s', (_, body, expected) => {
    expect(paths('commands-bulk', body)).toContain(expected);
  });
});

describe('GIVEN problems to report', () => {
  test('WHEN they are turned into a 400 body THEN it nests them like Discord', () => {
    const body = invalidFormBody([
      {
        path: 'embeds.0.description',
        code: 'BASE_TYPE_MAX_LENGTH',
        message: 'Must be 4096 or fewer in length.',
      },
      { path: 'embeds', code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' },
    ]);
    expect(body).toEqual({
      code: 50035,
      message: 'Invalid Form Body',
      errors: {
        embeds: {
          0: {
            description: {
              _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 4096 or fewer in length.' }],
            },
          },
          _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' }],
        },
      },
    });
  });
});
