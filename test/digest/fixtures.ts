/**
 * Test doubles for the digest domain: a small Library over literal briefings (only what digests
 * ask of it), a Poster that behaves like Discord (nonce de-duplication, per-channel failures), and
 * a ready-made memory store.
 */
import type { Briefing, Library, LookaheadEntry, Theme } from '../../src/briefings/index.js';
import { derivedOf } from '../../src/briefings/library.js';
import type { ChannelCheck, DeliveryError, Poster, Schedule } from '../../src/digest/index.js';
import type { DigestRuntimeOptions } from '../../src/digest/runtime.js';
import { openStore, type Store } from '../../src/digest/store.js';
import type { Reply } from '../../src/render/index.js';
import { resolvePartialDate } from '../../src/render/timestamps.js';

export const THEMES: Theme[] = [
  {
    id: 'security-defence',
    label: 'Security & defence',
    description: 'd',
    colour: '#aa0000',
    keywords: ['army'],
  },
  { id: 'outlook', label: 'Outlook', description: 'd', colour: '#00aa00', keywords: ['next'] },
  { id: 'humanitarian', label: 'Humanitarian', description: 'd', colour: '#0000aa', keywords: ['aid'] },
];

export function briefing(
  id: string,
  published: string,
  lookahead: { text: string; themes: string[]; horizon?: string }[],
): Briefing {
  return {
    id,
    status: 'published',
    title: `Briefing ${id}`,
    source: { name: 'Example Times', url: 'https://example.org/a' },
    published,
    summary: `Summary of ${id}.`,
    sections: [{ heading: 'Main', themes: ['outlook'], summary: 'S.', points: [] }],
    quotes: [],
    looking_ahead: lookahead.map((l) => ({
      text: l.text,
      themes: l.themes,
      ...(l.horizon ? { horizon: l.horizon } : {}),
    })),
  };
}

const unused = (): never => {
  throw new Error('not used by digests');
};

export function fakeLibrary(briefings: Briefing[], loadedAt = new Date('2026-01-01T00:00:00Z')): Library {
  const published = [...briefings].sort((a, b) => b.published.localeCompare(a.published));
  const entries: LookaheadEntry[] = published.flatMap((b) =>
    b.looking_ahead.map((item, index) => {
      const period = item.horizon ? resolvePartialDate(item.horizon) : undefined;
      return { briefing: b, item, index, key: `${b.id}#${index}`, ...(period ? { period } : {}) };
    }),
  );
  const dated = entries
    .filter((e) => e.period)
    .sort((a, b) => (a.period?.start.getTime() ?? 0) - (b.period?.start.getTime() ?? 0));
  const undated = entries.filter((e) => !e.period);
  const library: Library = {
    loadedAt,
    stats: {
      briefings: published.length,
      drafts: 0,
      themes: THEMES.length,
      sections: published.length,
      quotes: 0,
      lookahead: entries.length,
    },
    themes: THEMES,
    theme: (id) => THEMES.find((t) => t.id === id),
    latest: (limit) => published.slice(0, limit ?? published.length),
    briefing: (id) => published.find((b) => b.id === id),
    byTheme: unused,
    quotes: unused,
    speakers: unused,
    randomQuote: unused,
    lookahead: (filter) =>
      [...dated, ...undated].filter((e) => !filter?.theme || e.item.themes.includes(filter.theme)),
    search: unused,
    sources: unused,
    derived: derivedOf(() => library),
  };
  return library;
}

export const defaultLibrary = (): Library =>
  fakeLibrary([
    briefing('talks-jan', '2026-01-10', [
      { text: 'Next round of talks in Geneva.', themes: ['outlook'], horizon: '2026-06-15' },
      { text: 'Aid corridor review.', themes: ['humanitarian'], horizon: '2026-05' },
      { text: 'Defence ministers meet.', themes: ['security-defence'], horizon: '2026-Q3' },
      { text: 'A settlement remains distant.', themes: ['outlook'] },
    ]),
  ]);

export interface Sent {
  guildId: string;
  channelId: string;
  reply: Reply;
  nonce: string;
  messageId: string;
}

export interface FakePoster extends Poster {
  sent: Sent[];
  /** Channels and what is wrong with them. */
  broken: Map<string, ChannelCheck>;
  /** Channels whose send is refused by "Discord" although the check passed. */
  refuse: Map<string, DeliveryError>;
  /** Fails the next n sends with a network-style error. */
  failNext(n: number, error?: Error): void;
  /** After the message is stored, throw as if the process died before learning the id. */
  crashAfterSend: boolean;
  sends: number;
}

/** A Poster that behaves like Discord with enforce_nonce: one message per nonce. */
export function fakePoster(options: { find?: boolean } = {}): FakePoster {
  let failures: { n: number; error: Error } = { n: 0, error: new Error('socket hang up') };
  let counter = 0;
  const poster: FakePoster = {
    sent: [],
    broken: new Map(),
    refuse: new Map(),
    crashAfterSend: false,
    sends: 0,
    failNext(n, error = new Error('socket hang up')) {
      failures = { n, error };
    },
    async check(_guildId, channelId) {
      return poster.broken.get(channelId) ?? { ok: true };
    },
    async send(guildId, channelId, reply, nonce) {
      poster.sends++;
      if (failures.n > 0) {
        failures.n--;
        throw failures.error;
      }
      const refused = poster.refuse.get(channelId);
      if (refused) throw refused;
      let message = poster.sent.find((m) => m.nonce === nonce);
      if (!message) {
        counter++;
        message = { guildId, channelId, reply, nonce, messageId: `m${counter}` };
        poster.sent.push(message);
      }
      if (poster.crashAfterSend) throw new Error('process died');
      return message.messageId;
    },
  };
  if (options.find) {
    poster.find = async (_guildId, channelId, marker) =>
      poster.sent.find(
        (m) => m.channelId === channelId && m.reply.embeds?.some((e) => e.footer?.text.includes(marker)),
      )?.messageId ?? null;
  }
  return poster;
}

export const memoryStore = (): Promise<Store> => openStore('memory://');

export const ADMIN = 0x20n; // Manage Server

/** Options for createDigestRuntime as most tests want them: in memory, Brussels, the default limits. */
export const digestOptions = (
  overrides: Partial<DigestRuntimeOptions> & Pick<DigestRuntimeOptions, 'poster'>,
): DigestRuntimeOptions => ({
  storeUrl: 'memory://',
  library: defaultLibrary,
  now: () => new Date(),
  defaultTimezone: 'Europe/Brussels',
  minIntervalMinutes: 60,
  maxPerGuild: 25,
  catchUpWindowHours: 6,
  ...overrides,
});

/** A stored schedule record as the store holds it: daily 08:00 in Brussels, active since 1 January. */
export const scheduleRecord = (overrides: Partial<Schedule> = {}): Schedule => ({
  id: 'sched1',
  guildId: 'g1',
  channelId: 'c1',
  when: 'daily 08:00',
  cron: '0 8 * * *',
  timezone: 'Europe/Brussels',
  themes: [],
  format: 'brief',
  skipIfEmpty: false,
  paused: false,
  createdBy: 'u1',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  activeSince: '2026-01-01T00:00:00.000Z',
  health: { status: 'ok' },
  ...overrides,
});
