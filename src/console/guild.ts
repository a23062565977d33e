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
