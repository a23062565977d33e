/**
 * What Discord is told about each option and what the handler's schema accepts must agree, for
 * every option of every command (and subcommand): required, type, lengths and choices. The options
 * are built from one definition each (src/options/index.ts); this fails if one is written by hand
 * and drifts.
 */
import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  ApplicationCommandOptionType as T,
} from 'discord.js';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import type { RawOptions } from '../../commands/index.js';
import { choice, optionsOf, text } from '../../src/options/index.js';
import { registry } from './helpers.js';

interface Leaf {
  /** `/schedule add`, `/brief`… */
  label: string;
  schema: z.ZodType;
  /** The subcommand's name in the raw options, if any. */
  base: RawOptions;
  options: APIApplicationCommandBasicOption[];
}

const isSubcommand = (o: APIApplicationCommandOption) => o.type === T.Subcommand;

const leaves: Leaf[] = [...registry.commands.values()].flatMap((command) => {
  const top = command.definition.options ?? [];
  const name = command.definition.name;
  if (!top.some(isSubcommand)) {
    return [
      {
        label: `/${name}`,
        schema: command.options,
        base: {},
        options: top as APIApplicationCommandBasicOption[],
      },
    ];
  }
  return top.flatMap((sub) =>
    sub.type === T.Subcommand
      ? [
          {
            label: `/${name} ${sub.name}`,
            schema: command.options,
            base: { subcommand: sub.name },
            options: sub.options ?? [],
          },
        ]
      : [],
  );
});

/** A value Discord would send for the option. */
function valid(option: APIApplicationCommandBasicOption): RawOptions[string] {
  switch (option.type) {
    case T.String:
      return option.choices?.[0]?.value ?? 'x'.repeat(Math.max(1, option.min_length ?? 1));
    case T.Boolean:
      return true;
    case T.Channel:
      return { id: '123456789012345678', name: 'briefings' };
    case T.Attachment:
      return { name: 'schedules.yaml', size: 11, content: 'version: 1\n' };
    case T.Role:
      return '123456789012345679';
    default:
      throw new Error(`no valid value known for option type ${option.type}`);
  }
}

/** The options Discord requires, each with a valid value: the smallest call Discord would send. */
const smallest = (leaf: Leaf): RawOptions => ({
  ...leaf.base,
  ...Object.fromEntries(leaf.options.filter((o) => o.required).map((o) => [o.name, valid(o)])),
});

const cases = leaves.flatMap((leaf) =>
  leaf.options.map((option) => [leaf.label, option.name, leaf, option] as const),
);

/** The path of the first problem with `raw`, or undefined when it passes. */
function problemAt(schema: z.ZodType, raw: RawOptions): string | undefined {
  const parsed = schema.safeParse(raw);
  return parsed.success ? undefined : String(parsed.error.issues[0]?.path[0] ?? '(none)');
}

/** The keys a leaf's schema takes, besides `subcommand`. */
function schemaKeys(leaf: Leaf): string[] {
  const objects = leaf.schema instanceof z.ZodDiscriminatedUnion ? leaf.schema.options : [leaf.schema];
  const shape = objects
    .filter((o): o is z.ZodObject => o instanceof z.ZodObject)
    .map((o) => o.shape)
    .find((s) => !('subcommand' in s) || s.subcommand?.safeParse(leaf.base.subcommand).success);
  return Object.keys(shape ?? {}).filter((k) => k !== 'subcommand');
}

describe('every option of every command agrees with its schema', () => {
  test('GIVEN the commands folder THEN there are options to check', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  test.each(leaves.map((l) => [l.label, l] as const))(
    'GIVEN %s THEN its schema takes exactly the options Discord is told of, and the smallest call passes',
    (_label, leaf) => {
      expect(schemaKeys(leaf).sort()).toEqual(leaf.options.map((o) => o.name).sort());
      expect(problemAt(leaf.schema, smallest(leaf))).toBeUndefined();
      expect(problemAt(leaf.schema, { ...smallest(leaf), not_an_option: 'x' })).toBeDefined();
    },
  );

  test.each(cases)(
    'GIVEN %s %s THEN required, type, lengths and choices agree',
    (_label, name, leaf, option) => {
      const withValue = (value: unknown) =>
        problemAt(leaf.schema, { ...smallest(leaf), [name]: value as never });
      const { [name]: _left, ...without } = smallest(leaf);

      expect(withValue(valid(option))).toBeUndefined();
      expect(problemAt(leaf.schema, without)).toBe(option.required ? name : undefined);

      if (option.type === T.String) {
        expect(withValue(5)).toBe(name);
        if (option.choices) {
          for (const c of option.choices) expect(withValue(c.value)).toBeUndefined();
          expect(withValue('not-one-of-the-choices')).toBe(name);
        } else {
          expect(option.max_length, 'a text option says how long it may be').toBeDefined();
          const max = option.max_length ?? 0;
          expect(withValue('x'.repeat(max))).toBeUndefined();
          expect(withValue('x'.repeat(max + 1))).toBe(name);
          if (option.min_length !== undefined && option.min_length > 0) expect(withValue('')).toBe(name);
        }
      }
      if (option.type === T.Boolean) expect(withValue('yes')).toBe(name);
      if (option.type === T.Channel) expect(withValue('general')).toBe(name);
    },
  );
});

describe('the option builders', () => {
  test('GIVEN a required option after an optional one THEN it is refused when the module loads', () => {
    expect(() =>
      optionsOf({
        first: text({ description: 'd', max: 10 }),
        second: text({ description: 'd', max: 10, required: true }),
      }),
    ).toThrow(/required option second must come before every optional one/);
  });

  test.each([
    [['brief', 'full'], 'must be brief or full'],
    [['week', 'month', 'all'], 'must be one of week, month, all'],
  ] as const)('GIVEN the choices %j THEN a wrong value is told what it must be', (values, message) => {
    const { schema } = optionsOf({ x: choice(values, { description: 'd', required: true }) });
    const parsed = schema.safeParse({ x: 'nope' });
    expect(parsed.success ? undefined : parsed.error.issues[0]?.message).toBe(message);
  });

  test('GIVEN text that may be blank THEN an empty value passes and no min_length is sent', () => {
    const { schema, definition } = optionsOf({ x: text({ description: 'd', max: 5, blank: 'allowed' }) });
    expect(schema.parse({ x: '   ' })).toEqual({ x: '' });
    expect(definition[0]).not.toHaveProperty('min_length');
  });
});
