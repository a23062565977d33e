/**
 * A Poster for the local console: digests are printed through a callback instead of posted.
 * The console has one guild ("console") and any channel name is accepted (`#briefings` by default).
 */
import type { Reply } from '../render/index.js';
import type { Poster } from './index.js';

export const CONSOLE_GUILD_ID = 'console';
export const CONSOLE_CHANNEL_ID = 'briefings';

export interface ConsolePost {
  guildId: string;
  channelId: string;
  reply: Reply;
  nonce: string;
  messageId: string;
}

export function createConsolePoster(print: (post: ConsolePost) => void): Poster {
  const posted = new Map<string, ConsolePost>();
  let counter = 0;
  return {
    serves: (guildId) => guildId === CONSOLE_GUILD_ID,
    async check() {
      return { ok: true };
    },
    async send(guildId, channelId, reply, nonce) {
      // Same de-duplication as Discord's enforce_nonce, for the life of the process.
      const earlier = posted.get(nonce);
      if (earlier) return earlier.messageId;
      counter += 1;
      const post = {
        guildId,
        channelId,
        reply,
        nonce,
        messageId: `console-${Date.now().toString(36)}-${counter}`,
      };
      posted.set(nonce, post);
      print(post);
      return post.messageId;
    },
  };
}
