/**
 * A Poster for the local console: digests are printed through a callback instead of posted.
 * The console has one guild (CONSOLE_GUILD_ID) and any channel name is accepted (`#briefings` by
 * default). The simulated channels of guild.ts answer as Discord's would: #announcements
 * publishes each digest, #digests is a forum (each digest a post with its title and tags), and a
 * thread started from a digest is said under it. Its roles (guild.ts) can be pinged, and the
 * Notify me button gives and takes @Readers for the console's user (in memory).
 */
import { DeliveryError, type Poster } from '../digest/index.js';
import type { Reply } from '../render/index.js';
import { consoleChannel, consoleRole } from './guild.js';
import { CONSOLE_GUILD_ID } from './session.js';

export interface ConsolePost {
  guildId: string;
  channelId: string;
  reply: Reply;
  nonce: string;
  messageId: string;
  /** What kind of post it was, shown beside the channel: "digest", "forum post “…” · tags: …". */
  note: string;
}

/** `print` shows each digest; `say` a line about one already shown (published, thread started). */
export function createConsolePoster(
  print: (post: ConsolePost) => void,
  say: (channelId: string, line: string) => void = () => undefined,
): Poster {
  const posted = new Map<string, ConsolePost>();
  const published = new Set<string>();
  const threads = new Map<string, string>();
  /** `userId roleId` of each role given. */
  const held = new Set<string>();
  let counter = 0;
  return {
    serves: (guildId) => guildId === CONSOLE_GUILD_ID,
    async check(_guildId, channelId) {
      const channel = consoleChannel(channelId);
      if (!channel) return { ok: true, kind: 'text' };
      return { ok: true, kind: channel.kind, ...(channel.forum ? { forum: channel.forum } : {}) };
    },
    async send(guildId, channelId, reply, nonce, post) {
      // Same de-duplication as Discord's enforce_nonce, for the life of the process.
      const earlier = posted.get(nonce);
      if (earlier) return earlier.messageId;
      counter += 1;
      const forum = post?.forum;
      const tagNames = (forum?.tags ?? []).map(
        (id) => consoleChannel(channelId)?.forum?.tags.find((t) => t.id === id)?.name ?? id,
      );
      const pinged = post?.mentionRoleId ? consoleRole(post.mentionRoleId)?.name : undefined;
      const note = `${
        forum
          ? `forum post “${forum.title}”${tagNames.length ? ` · tags: ${tagNames.join(', ')}` : ''}`
          : 'digest'
      }${pinged ? ` · pings @${pinged} only` : ''}`;
      const sent: ConsolePost = {
        guildId,
        channelId,
        reply,
        nonce,
        messageId: `console-${Date.now().toString(36)}-${counter}`,
        note,
      };
      posted.set(nonce, sent);
      print(sent);
      return sent.messageId;
    },
    async roleCheck(_guildId, roleId) {
      const role = consoleRole(roleId);
      if (!role) return { ok: false, reason: 'role-gone' };
      if (role.problems.length)
        return { ok: false, reason: 'not-manageable', name: role.name, problems: role.problems };
      return { ok: true, name: role.name };
    },
    async toggleRole(_guildId, userId, roleId) {
      if (!consoleRole(roleId)) throw new DeliveryError(10011, 'the role was deleted');
      const key = `${userId} ${roleId}`;
      if (held.delete(key)) return false;
      held.add(key);
      return true;
    },
    async publish(_guildId, channelId, messageId) {
      if (published.has(messageId)) return;
      published.add(messageId);
      say(channelId, '📣 published to the servers following this channel');
    },
    async startThread(_guildId, channelId, messageId, thread) {
      const existing = threads.get(messageId);
      if (existing) return existing;
      const id = `${messageId}-thread`;
      threads.set(messageId, id);
      say(
        channelId,
        `🧵 thread “${thread.name}” started (archived after ${thread.autoArchiveMinutes / 60} h without messages)`,
      );
      return id;
    },
  };
}
