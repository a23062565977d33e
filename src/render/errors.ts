/**
 * The two answers every transport gives when a command cannot answer normally: a user error (what
 * to do instead) and an unexpected fault (an apology with an id to quote to an operator).
 */
import type { UserError } from '../errors.js';
import type { Reply } from './index.js';
import { fitReply } from './limits.js';
import { ERROR_COLOUR } from './style.js';

/** `option: message`, unless the message already names its option. */
export function userErrorText(error: string | Pick<UserError, 'message' | 'option'>): string {
  if (typeof error === 'string') return error;
  const { message, option } = error;
  return option && !message.includes(option) ? `\`${option}\`: ${message}` : message;
}

/** A user error, answered only to the asker. Messages are ours and already escape what they echo. */
export const errorReply = (error: string | Pick<UserError, 'message' | 'option'>): Reply =>
  fitReply({ embeds: [{ description: `⚠️ ${userErrorText(error)}`, color: ERROR_COLOUR }], ephemeral: true });

/** An unexpected error: short, no internals, with the id the logs carry. */
export const apologyReply = (errorId: string): Reply =>
  fitReply({
    embeds: [
      {
        description: `Sorry, something went wrong on our side. If it keeps happening, give an administrator this error id: \`${errorId.replace(/`/g, '')}\`.`,
        color: ERROR_COLOUR,
      },
    ],
    ephemeral: true,
  });
