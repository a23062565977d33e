/**
 * A Poster for the local console: digests are printed through a callback instead of posted.
 * The console has one guild (CONSOLE_GUILD_ID) and any channel name is accepted (`#briefings` by
 * default).
 */
import type { Poster } from '../digest/index.js';
import type { Reply } from '../render/index.js';
import { CONSOLE_GUILD_ID } from './session.js';

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
