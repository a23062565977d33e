/**
 * Discord's rules that its OpenAPI spec does not express, checked after the schema: the
 * 6,000-character total over all embeds, bot content at most 2,000, at most 5 action rows of at
 * most 5 buttons, unique custom ids, well-formed buttons, non-empty messages and fields, autocomplete
 * choices, and command definitions Discord would refuse.
 */

export interface Problem {
  /** Dotted path into the body, e.g. `embeds.0.fields.2.value` ('' for the whole body). */
  path: string;
  /** Discord's error code string, e.g. BASE_TYPE_MAX_LENGTH. */
  code: string;
  message: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const arrayOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const join = (...parts: (string | number)[]): string => parts.filter((p) => p !== '').join('.');

export const MAX_CONTENT = 2000;
export const MAX_EMBEDS_TOTAL = 6000;
export const MAX_ACTION_ROWS = 5;
export const MAX_ROW_BUTTONS = 5;
export const MAX_CHOICES = 25;
const IS_COMPONENTS_V2 = 1 << 15;

/** Characters Discord counts toward the 6,000 limit (title, description, fields, footer, author). */
export const embedLength = (embed: unknown): number => {
  if (!isObject(embed)) return 0;
  const fields = arrayOf(embed.fields).reduce<number>(
    (sum, f) => sum + (isObject(f) ? text(f.name).length + text(f.value).length : 0),
    0,
  );
  const footer = isObject(embed.footer) ? text(embed.footer.text).length : 0;
  const author = isObject(embed.author) ? text(embed.author.name).length : 0;
  return text(embed.title).length + text(embed.description).length + fields + footer + author;
};

const embedRules = (embeds: unknown[], at: string): Problem[] => {
  const problems: Problem[] = [];
  const total = embeds.reduce<number>((sum, e) => sum + embedLength(e), 0);
  if (total > MAX_EMBEDS_TOTAL) {
    problems.push({
      path: join(at, 'embeds'),
      code: 'MAX_EMBED_SIZE_EXCEEDED',
      message: `Embed size exceeds maximum size of ${MAX_EMBEDS_TOTAL} (got ${total})`,
    });
  }
  for (const [i, embed] of embeds.entries()) {
    if (!isObject(embed)) continue;
    for (const [j, field] of arrayOf(embed.fields).entries()) {
      if (!isObject(field)) continue;
      for (const key of ['name', 'value'] as const) {
        if (text(field[key]).trim() === '') {
          problems.push({
            path: join(at, 'embeds', i, 'fields', j, key),
            code: 'BASE_TYPE_REQUIRED',
            message: 'This field is required',
          });
        }
      }
    }
  }
  return problems;
};

const componentRules = (components: unknown[], flags: number, at: string): Problem[] => {
  if (flags & IS_COMPONENTS_V2) return [];
  const problems: Problem[] = [];
  if (components.length > MAX_ACTION_ROWS) {
    problems.push({
      path: join(at, 'components'),
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Must be ${MAX_ACTION_ROWS} or fewer in length.`,
    });
  }
  const seen = new Set<string>();
  for (const [i, row] of components.entries()) {
    if (!isObject(row)) continue;
    if (row.type !== 1) {
      problems.push({
        path: join(at, 'components', i, 'type'),
        code: 'UI_TYPE_INVALID',
        message: 'Top-level components must be action rows unless the message has the IS_COMPONENTS_V2 flag',
      });
      continue;
    }
    const children = arrayOf(row.components);
    if (children.length > MAX_ROW_BUTTONS) {
      problems.push({
        path: join(at, 'components', i, 'components'),
        code: 'BASE_TYPE_MAX_LENGTH',
        message: `Must be ${MAX_ROW_BUTTONS} or fewer in length.`,
      });
    }
    for (const [j, child] of children.entries()) {
      if (!isObject(child)) continue;
      const path = join(at, 'components', i, 'components', j);
      const customId = typeof child.custom_id === 'string' ? child.custom_id : undefined;
      if (customId !== undefined) {
        if (seen.has(customId)) {
          problems.push({
            path: join(path, 'custom_id'),
            code: 'COMPONENT_CUSTOM_ID_DUPLICATED',
            message: `Component custom id "${customId}" cannot be duplicated`,
          });
        }
        seen.add(customId);
      }
      if (child.type !== 2) continue;
      const isLink = child.style === 5;
      const isPremium = child.style === 6;
      if (isLink && (customId !== undefined || typeof child.url !== 'string')) {
        problems.push({
          path,
          code: 'BUTTON_COMPONENT_INVALID',
          message: 'A link button needs a url and no custom_id',
        });
      }
      if (!isLink && !isPremium && (customId === undefined || child.url != null)) {
        problems.push({
          path,
          code: 'BUTTON_COMPONENT_INVALID',
          message: 'A non-link button needs a custom_id and no url',
        });
      }
      if (!isPremium && text(child.label) === '' && child.emoji == null) {
        problems.push({
          path,
          code: 'BUTTON_COMPONENT_INVALID',
          message: 'A button needs a label or an emoji',
        });
      }
    }
  }
  return problems;
};

/**
 * Rules for anything that creates or edits a message. `creating` adds Discord's 50006 rule: a new
 * message needs content, an embed, a component, a sticker, a poll or a file.
 */
export const messageRules = (
  body: unknown,
  opts: { at?: string; creating: boolean; files?: number },
): Problem[] => {
  const at = opts.at ?? '';
  if (!isObject(body)) {
    return opts.creating
      ? [{ path: at, code: 'MESSAGE_EMPTY', message: 'Cannot send an empty message' }]
      : [];
  }
  const problems: Problem[] = [];
  const content = text(body.content);
  if (content.length > MAX_CONTENT) {
    problems.push({
      path: join(at, 'content'),
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Must be ${MAX_CONTENT} or fewer in length.`,
    });
  }
  const embeds = arrayOf(body.embeds);
  const components = arrayOf(body.components);
  problems.push(...embedRules(embeds, at));
  problems.push(...componentRules(components, typeof body.flags === 'number' ? body.flags : 0, at));
  const empty =
    content.trim() === '' &&
    embeds.length === 0 &&
    components.length === 0 &&
    arrayOf(body.sticker_ids).length === 0 &&
    body.poll == null &&
    (opts.files ?? 0) === 0;
  if (opts.creating && empty) {
    problems.push({ path: at, code: 'MESSAGE_EMPTY', message: 'Cannot send an empty message' });
  }
  return problems;
};

export const autocompleteRules = (data: unknown): Problem[] => {
  if (!isObject(data)) return [];
  const problems: Problem[] = [];
  const choices = arrayOf(data.choices);
  if (choices.length > MAX_CHOICES) {
    problems.push({
      path: 'data.choices',
      code: 'BASE_TYPE_MAX_LENGTH',
      message: `Must be ${MAX_CHOICES} or fewer in length.`,
    });
  }
  for (const [i, choice] of choices.entries()) {
    if (isObject(choice) && typeof choice.value === 'string' && choice.value.length > 100) {
      problems.push({
        path: `data.choices.${i}.value`,
        code: 'BASE_TYPE_MAX_LENGTH',
        message: 'Must be 100 or fewer in length.',
      });
    }
  }
  return problems;
};

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

const optionRules = (options: unknown[], at: string): Problem[] => {
  const problems: Problem[] = [];
  const names = new Set<string>();
  let optionalSeen = false;
  for (const [i, option] of options.entries()) {
    if (!isObject(option)) continue;
    const path = join(at, 'options', i);
    const name = text(option.name);
    if (!NAME.test(name) || name !== name.toLowerCase()) {
      problems.push({
        path: join(path, 'name'),
        code: 'APPLICATION_COMMAND_INVALID_NAME',
        message: `Command name "${name}" is invalid: 1-32 lowercase letters, digits, - or _`,
      });
    }
    if (names.has(name)) {
      problems.push({
        path: join(path, 'name'),
        code: 'APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS',
        message: 'Option names must be unique',
      });
    }
    names.add(name);
    const isSub = option.type === 1 || option.type === 2;
    if (!isSub) {
      if (option.required === true && optionalSeen) {
        problems.push({
          path: join(path, 'required'),
          code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
          message: 'Required options must be placed before non-required options',
        });
      }
      if (option.required !== true) optionalSeen = true;
      if (option.autocomplete === true && arrayOf(option.choices).length > 0) {
        problems.push({
          path: join(path, 'autocomplete'),
          code: 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID',
          message: 'Autocomplete cannot be set together with choices',
        });
      }
    }
    problems.push(...optionRules(arrayOf(option.options), path));
  }
  return problems;
};

export const commandRules = (command: unknown, at: string): Problem[] => {
  if (!isObject(command)) return [];
  const problems: Problem[] = [];
  const type = command.type ?? 1;
  const name = text(command.name);
  if (type === 1 && (!NAME.test(name) || name !== name.toLowerCase())) {
    problems.push({
      path: join(at, 'name'),
      code: 'APPLICATION_COMMAND_INVALID_NAME',
      message: `Command name "${name}" is invalid: 1-32 lowercase letters, digits, - or _`,
    });
  }
  if (type === 1 && text(command.description).length === 0) {
    problems.push({
      path: join(at, 'description'),
      code: 'BASE_TYPE_REQUIRED',
      message: 'This field is required',
    });
  }
  problems.push(...optionRules(arrayOf(command.options), at));
  return problems;
};

/** Bulk overwrite: each definition, plus unique names per command type. */
export const commandListRules = (commands: unknown): Problem[] => {
  const list = arrayOf(commands);
  const problems = list.flatMap((c, i) => commandRules(c, String(i)));
  const seen = new Set<string>();
  for (const [i, c] of list.entries()) {
    if (!isObject(c)) continue;
    const key = `${String(c.type ?? 1)}:${text(c.name)}`;
    if (seen.has(key)) {
      problems.push({
        path: `${i}.name`,
        code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
        message: `Application command names must be unique (${text(c.name)})`,
      });
    }
    seen.add(key);
  }
  return problems;
};
