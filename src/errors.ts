/**
 * What a user's request can end in besides its answer: a UserError, with a message they can act
 * on, or a fault. Handlers throw; the one dispatcher of each transport (Discord's and the
 * console's) turns whatever was thrown into its answer with `answerError`, so both say the same.
 */
import { randomUUID } from 'node:crypto';
import { apologyReply, errorReply } from './render/errors.js';
import type { Reply } from './render/index.js';

/** An error caused by what the user asked for: answered ephemerally, never logged as a fault. */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    /** The option at fault, when there is one (shown as `option: message`). */
    readonly option?: string,
  ) {
    super(message);
  }
}

export const isUserError = (e: unknown): e is UserError => e instanceof UserError;

/** Where faults are logged: the app's pino logger, or a test's stand-in. */
export interface ErrorLog {
  error(details: Record<string, unknown>, message: string): void;
}

/**
 * The answer to whatever a command, a button or a check before them threw. A UserError gets its
 * own message. Anything else is a fault: logged with its context under a fresh error id, and
 * answered with an apology quoting the id, which is all the user sees and all an operator needs
 * to find it in the log. `errorId` is set for a fault only.
 */
export function answerError(
  error: unknown,
  fault: { log: ErrorLog | undefined; message: string; context: Record<string, unknown> },
): { reply: Reply; errorId?: string } {
  if (isUserError(error)) return { reply: errorReply(error) };
  const errorId = randomUUID().slice(0, 8);
  fault.log?.error({ err: error, errorId, ...fault.context }, fault.message);
  return { reply: apologyReply(errorId), errorId };
}
