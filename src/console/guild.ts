/**
 * The console's one guild, simulated: a text channel, an announcement channel and a forum (with
 * tags, one required on each post), so every kind of schedule target can be tried without
 * Discord. The console Poster answers for these channels as Discord would (kind, tags).
 */
import type { ChannelKind, ForumTag } from '../digest/index.js';

export interface ConsoleChannel {
  id: string;
  name: string;
  kind: ChannelKind;
  /** Forums only. */
  forum?: { tags: ForumTag[]; requireTag: boolean };
}

export const CONSOLE_CHANNELS: readonly ConsoleChannel[] = [
  { id: 'briefings', name: 'briefings', kind: 'text' },
  { id: 'announcements', name: 'announcements', kind: 'announcement' },
  {
    id: 'digests',
    name: 'digests',
    kind: 'forum',
    forum: {
      tags: [
        { id: 'tag-digest', name: 'digest' },
        { id: 'tag-weekly', name: 'weekly' },
      ],
      requireTag: true,
    },
  },
];

export const consoleChannel = (id: string): ConsoleChannel | undefined =>
  CONSOLE_CHANNELS.find((c) => c.id === id);

/** A role of the console guild: whether the bot could ping it and hand it out (see RoleCheck). */
export interface ConsoleRole {
  id: string;
  name: string;
  /** What would stop the bot, as Discord's checks would find it; none for a role it manages. */
  problems: string[];
}

export const CONSOLE_ROLES: readonly ConsoleRole[] = [
  { id: 'role-readers', name: 'Readers', problems: [] },
  {
    id: 'role-moderators',
    name: 'Moderators',
    problems: ['it is not below my highest role (Attaché): drag my role above it in Server Settings → Roles'],
  },
];

export const consoleRole = (id: string): ConsoleRole | undefined => CONSOLE_ROLES.find((r) => r.id === id);
