/**
 * An error caused by what the user asked for, with a message they can act on. Handlers throw it;
 * the one dispatcher of each transport answers it ephemerally and does not log it as a fault.
 */
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
