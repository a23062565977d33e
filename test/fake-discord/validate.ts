/**
 * One place that knows which schema and which extra rules apply to a request body, and how Discord
 * words its 400 answer (code 50035 "Invalid Form Body" with an `errors` tree).
 */
import { autocompleteRules, commandListRules, commandRules, messageRules, type Problem } from './rules.js';
import { type SpecIssue, type SpecSchema, schemas } from './spec.js';

export type { Problem } from './rules.js';

export type BodyKind =
  | 'message-create'
  | 'message-edit'
  | 'interaction-callback'
  | 'webhook-execute'
  | 'webhook-edit'
  | 'commands-bulk'
  | 'command-create'
  | 'command-patch'
  | 'thread-create'
  | 'message-thread';

const describe = (issue: SpecIssue): { code: string; message: string } => {
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'number'
        ? { code: 'NUMBER_TYPE_MAX', message: `Must be less than or equal to ${String(issue.maximum)}.` }
        : { code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${String(issue.maximum)} or fewer in length.` };
    case 'too_small':
      return issue.origin === 'number'
        ? { code: 'NUMBER_TYPE_MIN', message: `Must be greater than or equal to ${String(issue.minimum)}.` }
        : { code: 'BASE_TYPE_MIN_LENGTH', message: `Must be ${String(issue.minimum)} or more in length.` };
    case 'invalid_type':
      return { code: 'BASE_TYPE_BAD_TYPE', message: 'Value is of the wrong type or missing.' };
    case 'invalid_value':
      return { code: 'BASE_TYPE_CHOICES', message: 'Value must be one of the allowed values.' };
    case 'invalid_format':
      return { code: 'BASE_TYPE_BAD_FORMAT', message: 'Value is not well formed (url, date or snowflake).' };
    default:
      return { code: 'BASE_TYPE_INVALID', message: `Invalid value (${issue.code}).` };
  }
};

/**
 * A union failure names no field; the branch worth reporting is the one whose discriminator
 * (`type`) matched, else the one with the fewest issues.
 */
const flatten = (issue: SpecIssue, prefix: PropertyKey[]): { path: PropertyKey[]; issue: SpecIssue }[] => {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || !issue.errors?.length) return [{ path, issue }];
  // A branch failing at its root or on `type` is the wrong branch, not the sender's mistake.
  const wrongBranch = (branch: SpecIssue[]) =>
    branch.some((i) => i.path.length === 0 || (i.path.length === 1 && i.path[0] === 'type'));
  const ranked = [...issue.errors].sort(
    (a, b) => Number(wrongBranch(a)) - Number(wrongBranch(b)) || a.length - b.length,
  );
  return (ranked[0] ?? []).flatMap((i) => flatten(i, path));
};

const specProblems = (schema: SpecSchema, body: unknown, at: PropertyKey[] = []): Problem[] => {
  const result = schema.safeParse(body);
  if (result.success) return [];
  return result.error.issues
    .flatMap((issue) => flatten(issue, at))
    .map(({ path, issue }) => ({ path: path.map(String).join('.'), ...describe(issue) }));
};

/**
 * Discord accepts permission bitfields as strings (discord.js sends them so), while the generated
 * spec types them as numbers; compare like with like.
 */
const normaliseCommand = (command: unknown): unknown => {
  if (typeof command !== 'object' || command === null || Array.isArray(command)) return command;
  const perms = Reflect.get(command, 'default_member_permissions');
  if (typeof perms === 'string' && /^\d+$/.test(perms)) {
    return { ...command, default_member_permissions: Number(perms) };
  }
  return command;
};

const callbackProblems = (body: unknown): Problem[] => {
  const type = typeof body === 'object' && body !== null ? Reflect.get(body, 'type') : undefined;
  const data = typeof body === 'object' && body !== null ? Reflect.get(body, 'data') : undefined;
  switch (type) {
    case 1:
      return specProblems(schemas.callbackPong, body);
    case 4:
      return [
        ...specProblems(schemas.callbackMessage, body),
        ...messageRules(data, { at: 'data', creating: true }),
      ];
    case 5:
      return specProblems(schemas.callbackMessage, body);
    case 6:
      return specProblems(schemas.callbackUpdate, body);
    case 7:
      return [
        ...specProblems(schemas.callbackUpdate, body),
        ...messageRules(data, { at: 'data', creating: false }),
      ];
    case 8:
      return [...specProblems(schemas.callbackAutocomplete, body), ...autocompleteRules(data)];
    case 9:
      return specProblems(schemas.callbackModal, body);
    default:
      return [
        {
          path: 'type',
          code: 'BASE_TYPE_CHOICES',
          message: `Unknown interaction callback type ${String(type)}`,
        },
      ];
  }
};

/**
 * POST /channels/:id/threads: a forum post carries its starter `message` (the forum schema and the
 * message rules, under `message`); a thread without a message is the other schema.
 */
const threadProblems = (body: unknown, files: number): Problem[] => {
  const message = typeof body === 'object' && body !== null ? Reflect.get(body, 'message') : undefined;
  if (message === undefined) return specProblems(schemas.threadWithoutMessage, body);
  return [
    ...specProblems(schemas.forumThread, body),
    ...messageRules(message, { at: 'message', creating: true, files }),
  ];
};

/** The spec and the rules can both catch one mistake; report it once. */
const dedupe = (problems: Problem[]): Problem[] => {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}|${p.code}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

export const validateBody = (kind: BodyKind, body: unknown, files = 0): Problem[] =>
  dedupe(check(kind, body, files));

const check = (kind: BodyKind, body: unknown, files: number): Problem[] => {
  switch (kind) {
    case 'message-create':
      return [...specProblems(schemas.messageCreate, body), ...messageRules(body, { creating: true, files })];
    case 'message-edit':
      return [...specProblems(schemas.messageEdit, body), ...messageRules(body, { creating: false })];
    case 'interaction-callback':
      return callbackProblems(body);
    case 'webhook-execute':
      return [
        ...specProblems(schemas.webhookExecute, body),
        ...messageRules(body, { creating: true, files }),
      ];
    case 'webhook-edit':
      return [...specProblems(schemas.webhookEdit, body), ...messageRules(body, { creating: false })];
    case 'commands-bulk': {
      if (!Array.isArray(body))
        return [{ path: '', code: 'BASE_TYPE_BAD_TYPE', message: 'Must be an array.' }];
      const problems = body.flatMap((c, i) => specProblems(schemas.commandUpdate, normaliseCommand(c), [i]));
      if (body.length > 130)
        problems.push({ path: '', code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 130 or fewer in length.' });
      return [...problems, ...commandListRules(body)];
    }
    case 'command-create':
      return [...specProblems(schemas.commandCreate, normaliseCommand(body)), ...commandRules(body, '')];
    case 'command-patch':
      return [...specProblems(schemas.commandPatch, normaliseCommand(body)), ...commandRules(body, '')];
    case 'thread-create':
      return threadProblems(body, files);
    case 'message-thread':
      return specProblems(schemas.messageThread, body);
  }
};

type ErrorTree = { [key: string]: ErrorTree | { code: string; message: string }[] };

/** Discord's 400 body: problems nested by path, each leaf holding `_errors`. */
export const invalidFormBody = (problems: Problem[]) => {
  const errors: ErrorTree = {};
  for (const problem of problems) {
    let node = errors;
    for (const key of problem.path.split('.').filter(Boolean)) {
      const next = node[key];
      if (next && !Array.isArray(next)) node = next;
      else {
        const created: ErrorTree = {};
        node[key] = created;
        node = created;
      }
    }
    const leaf = node._errors;
    const entry = { code: problem.code, message: problem.message };
    if (Array.isArray(leaf)) leaf.push(entry);
    else node._errors = [entry];
  }
  return { code: 50035, message: 'Invalid Form Body', errors };
};
