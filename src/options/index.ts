/**
 * Input: from what a user typed, picked or pressed to what it means. This folder holds the options
 * of commands (here), autocomplete ranking (choices.ts), resolving typed text to library objects
 * (lookup.ts, schedules.ts) and button custom ids (custom-id.ts); src/render/ only produces output.
 *
 * Each option is defined once. A builder (`text`, `choice`, `flag`, `channel`, `attachment`) takes one
 * description and gives both the JSON Discord registers (type, required, lengths, choices) and the
 * zod schema the value is checked with, so the two cannot disagree:
 *
 *   const input = optionsOf({ theme: text({ description: 'The theme', max: 100, required: true }) });
 *   export default { definition: { name, description, options: input.definition }, options: input.schema, … }
 *
 * The schema checks again what Discord's client enforces (a transport may not), and what it cannot
 * express: text is trimmed, and a blank value is refused unless the option allows it. Messages
 * read "must …" so the registry can say "Option `x` must …".
 */
import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type ApplicationCommandOptionAllowedChannelType,
  ApplicationCommandOptionType,
} from 'discord.js';
import { z } from 'zod';

/** One option: its JSON under the name it is given, and the schema of its value. */
export interface Option<Schema extends z.ZodType = z.ZodType> {
  json(name: string): APIApplicationCommandBasicOption;
  schema: Schema;
}

interface Described {
  /** Shown under the option in Discord (at most 100 characters). */
  description: string;
  /** Discord refuses the command without it; given, the value may not be left out here either. */
  required?: boolean;
}

/** An option's schema as given, left out (undefined), or with its default. */
type Presence<Schema extends z.ZodType, Spec> = Spec extends { required: true }
  ? Schema
  : Spec extends { default: unknown }
    ? z.ZodDefault<Schema>
    : z.ZodOptional<Schema>;

function present<Schema extends z.ZodType, Spec extends Described & { default?: unknown }>(
  schema: Schema,
  spec: Spec,
): Presence<Schema, Spec> {
  const shaped = spec.required
    ? schema
    : spec.default !== undefined
      ? schema.default(spec.default as never)
      : schema.optional();
  return shaped as Presence<Schema, Spec>;
}

const basics = (name: string, spec: Described) => ({
  name,
  description: spec.description,
  ...(spec.required ? { required: true } : {}),
});

export interface TextSpec extends Described {
  /** At most this many characters: Discord's max_length, checked again after trimming. */
  max: number;
  /** Discord's min_length, when its client should refuse shorter text too. */
  min?: number;
  /** A value that is empty once trimmed means "none" instead of being refused. */
  blank?: 'allowed';
  /** Offered choices as the user types (the command's autocomplete). */
  autocomplete?: boolean;
  /** Applied to the value once it passes, e.g. to fold a pasted query onto one line. */
  normalise?: (value: string) => string;
}

export function text<const Spec extends TextSpec>(
  spec: Spec,
): Option<Presence<z.ZodType<string, string>, Spec>> {
  const { max, min, blank } = spec;
  let schema = z.string({ error: 'must be text' }).trim();
  if (blank !== 'allowed') {
    const least = Math.max(1, min ?? 1);
    schema = schema.min(least, least === 1 ? 'must not be empty' : `must be at least ${least} characters`);
  }
  schema = schema.max(max, `must be at most ${max} characters`);
  return {
    json: (name) => ({
      type: ApplicationCommandOptionType.String,
      ...basics(name, spec),
      ...(spec.autocomplete ? { autocomplete: true } : {}),
      ...(min !== undefined ? { min_length: min } : {}),
      max_length: max,
    }),
    schema: present(spec.normalise ? schema.transform(spec.normalise) : schema, spec),
  };
}

/** `a or b`, `one of a, b, c`: what a choice must be, in the words of an error message. */
const alternatives = (values: readonly string[]): string =>
  values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;

export function choice<
  const Values extends readonly [string, ...string[]],
  const Spec extends Described & { default?: Values[number] },
>(values: Values, spec: Spec): Option<Presence<z.ZodEnum<z.core.util.ToEnum<Values[number]>>, Spec>> {
  return {
    json: (name) => ({
      type: ApplicationCommandOptionType.String,
      ...basics(name, spec),
      choices: values.map((value) => ({ name: value, value })),
    }),
    schema: present(z.enum(values, { error: `must be ${alternatives(values)}` }), spec),
  };
}

export function flag<const Spec extends Described & { default?: boolean }>(
  spec: Spec,
): Option<Presence<z.ZodBoolean, Spec>> {
  return {
    json: (name) => ({ type: ApplicationCommandOptionType.Boolean, ...basics(name, spec) }),
    schema: present(z.boolean({ error: 'must be true or false' }), spec),
  };
}

/** A channel as the transport resolved it: its id, and its name when known. */
const channelRef = z.object(
  { id: z.string().min(1), name: z.string().optional() },
  { error: 'must be a channel' },
);

export function channel<
  const Spec extends Described & { types: readonly ApplicationCommandOptionAllowedChannelType[] },
>(spec: Spec): Option<Presence<typeof channelRef, Spec>> {
  return {
    json: (name) => ({
      type: ApplicationCommandOptionType.Channel,
      ...basics(name, spec),
      channel_types: [...spec.types],
    }),
    schema: present(channelRef, spec),
  };
}

/** A role, by the id the transport resolved (Discord's role picker; `@Name` at the console). */
export function role<const Spec extends Described>(spec: Spec): Option<Presence<z.ZodString, Spec>> {
  return {
    json: (name) => ({ type: ApplicationCommandOptionType.Role, ...basics(name, spec) }),
    schema: present(z.string({ error: 'must be a role' }).min(1, 'must be a role'), spec),
  };
}

/**
 * The most bytes a transport reads of an attached file: the commands that take one take a small
 * text file (an export of schedules is a few KB). Larger ones are refused before they are read.
 */
export const ATTACHMENT_MAX_BYTES = 1024 * 1024;

/** An attached file as the transport resolved it: downloaded (Discord) or read (console), as text. */
const attachmentRef = z.object(
  {
    name: z.string(),
    size: z.number().int().nonnegative(),
    content: z.string().max(ATTACHMENT_MAX_BYTES, `must be at most ${ATTACHMENT_MAX_BYTES / 1024} KB`),
  },
  { error: 'must be a file' },
);

export function attachment<const Spec extends Described>(
  spec: Spec,
): Option<Presence<typeof attachmentRef, Spec>> {
  return {
    json: (name) => ({ type: ApplicationCommandOptionType.Attachment, ...basics(name, spec) }),
    schema: present(attachmentRef, spec),
  };
}

type ShapeOf<Options extends Record<string, Option>> = { [K in keyof Options]: Options[K]['schema'] };

/** A command's (or subcommand's) options, in the order given: Discord's list and one strict schema. */
export function optionsOf<const Options extends Record<string, Option>>(options: Options) {
  const entries = Object.entries(options);
  const required = entries.map(([name, o]) => o.json(name).required === true);
  // Discord refuses the whole definition otherwise: say which option, when the module loads.
  const late = entries.find((_, i) => required[i] && required.slice(0, i).includes(false));
  if (late) throw new Error(`the required option ${late[0]} must come before every optional one`);
  return {
    definition: entries.map(([name, o]) => o.json(name)),
    schema: z.strictObject(
      Object.fromEntries(entries.map(([name, o]) => [name, o.schema])) as ShapeOf<Options>,
    ),
  };
}

interface SubcommandSpec {
  description: string;
  options: Record<string, Option>;
}

type SubcommandSchema<Subs extends Record<string, SubcommandSpec>> = {
  [K in keyof Subs & string]: z.ZodObject<
    { subcommand: z.ZodLiteral<K> } & ShapeOf<Subs[K]['options']>,
    z.core.$strict
  >;
}[keyof Subs & string];

/**
 * Subcommands, each with its options: Discord's list, and one schema over the raw options with the
 * key `subcommand` (as transports give them) that types each subcommand's options apart.
 */
export function subcommands<const Subs extends Record<string, SubcommandSpec>>(subs: Subs) {
  const entries = Object.entries(subs);
  const members = entries.map(([name, sub]) =>
    z.strictObject({ subcommand: z.literal(name), ...optionsOf(sub.options).schema.shape }),
  );
  return {
    definition: entries.map(
      ([name, sub]): APIApplicationCommandSubcommandOption => ({
        type: ApplicationCommandOptionType.Subcommand,
        name,
        description: sub.description,
        options: optionsOf(sub.options).definition,
      }),
    ),
    schema: z.discriminatedUnion('subcommand', members as unknown as [SubcommandSchema<Subs>]),
  };
}
