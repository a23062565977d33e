/**
 * Test data: a small library like the real one, an oversized one where every field is at its
 * schema limit and full of markdown and mentions, and a context builder.
 */
import { PermissionFlagsBits } from 'discord.js';
import type { CommandContext } from '../../commands/index.js';
import {
  type Briefing,
  type BriefingInput,
  BriefingSchema,
  LIMITS,
  type Theme,
} from '../../src/briefings/schema.js';
import { fakeLibrary } from './fake-library.js';

export const THEMES: Theme[] = [
  {
    id: 'security-defence',
    label: 'Security & defence',
    description: 'Defence cooperation and deterrence.',
    colour: '#c0392b',
    keywords: ['security', 'defence'],
  },
  {
    id: 'political-dialogue',
    label: 'Political dialogue',
    description: 'Talks, channels and governance.',
    colour: '#2980b9',
    keywords: ['dialogue'],
  },
  {
    id: 'economy-reconstruction',
    label: 'Economy & reconstruction',
    description: 'Sanctions, trade and rebuilding.',
    colour: '#27ae60',
    keywords: ['economy'],
  },
  {
    id: 'outlook',
    label: 'Outlook',
    description: 'What comes next.',
    colour: '#8e44ad',
    keywords: ['outlook'],
  },
];

export const briefing = (input: BriefingInput): Briefing => BriefingSchema.parse(input);

export const BRIEFINGS: Briefing[] = [
  briefing({
    id: 'brussels-talks-2026-01',
    title: 'Brussels talks on security guarantees',
    source: { name: 'Example Wire', url: 'https://example.org/brussels-talks' },
    published: '2026-01-15',
    location: 'Brussels',
    summary: 'Officials met in Brussels to discuss security guarantees and a framework for dialogue.',
    sections: [
      {
        heading: 'Security guarantees',
        themes: ['security-defence'],
        summary: 'Both sides weighed guarantees backed by air defence.',
        points: ['Air defence is the priority.', 'Intelligence sharing continues.'],
      },
      {
        heading: 'Channels for dialogue',
        themes: ['political-dialogue'],
        summary: 'A standing channel for dialogue was proposed.',
        points: [],
      },
      {
        heading: 'Reconstruction finance',
        themes: ['economy-reconstruction', 'security-defence'],
        summary: 'Reconstruction funds depend on security on the ground.',
      },
    ],
    quotes: [
      {
        text: 'We are not there yet, but the direction is clear.',
        speaker: 'a senior transatlantic official',
        role: 'speaking on background',
        themes: ['political-dialogue', 'outlook'],
      },
      {
        text: 'Air defence comes first.',
        speaker: 'Jane Doe',
        role: 'Defence adviser',
        themes: ['security-defence'],
      },
    ],
    looking_ahead: [
      { text: 'A follow-up meeting is expected.', themes: ['political-dialogue'], horizon: '2026-02-10' },
      { text: 'A reconstruction conference.', themes: ['economy-reconstruction'], horizon: '2026-Q2' },
      { text: 'Guarantees to be finalised.', themes: ['security-defence'], horizon: '2026' },
      { text: 'Talks continue.', themes: ['outlook'] },
    ],
  }),
  briefing({
    id: 'washington-readout-2025-12',
    title: 'Washington readout on sanctions',
    source: { name: 'Other Desk' },
    published: '2025-12',
    summary: 'A readout on sanctions policy and the economy.',
    sections: [
      {
        heading: 'Sanctions',
        themes: ['economy-reconstruction'],
        summary: 'Sanctions stay in place for now.',
        points: ['No change before spring.'],
      },
      { heading: 'Defence posture', themes: ['security-defence'], summary: 'Posture unchanged.' },
    ],
    quotes: [
      {
        text: 'Sanctions remain a tool of dialogue.',
        speaker: 'Jane Doe',
        themes: ['economy-reconstruction'],
      },
    ],
    looking_ahead: [{ text: 'Sanctions review.', themes: ['economy-reconstruction'], horizon: '2026-01-25' }],
  }),
  briefing({
    id: 'draft-not-served',
    status: 'draft',
    title: 'Draft briefing',
    source: { name: 'Draft Desk' },
    published: '2026-01-19',
    summary: 'Never shown.',
    sections: [{ heading: 'Draft', themes: ['outlook'], summary: 'Draft.' }],
  }),
];

/** 2026-01-20, a few days after the newest briefing. */
export const NOW = new Date('2026-01-20T10:00:00Z');

export const library = () => fakeLibrary(THEMES, BRIEFINGS);
export const emptyLibrary = () => fakeLibrary(THEMES, []);

const HOSTILE =
  '@everyone <@123> <@&456> <#789> @here **bold** _it_ `code` > quote ||spoiler|| [x](https://e.x) ';

/** Repeats hostile text up to exactly `n` characters. */
export const hostile = (n: number, seed = ''): string =>
  `${seed}${HOSTILE.repeat(Math.ceil(n / HOSTILE.length))}`.slice(0, n).trim() || 'x';

/** Briefings with every field at its schema limit, full of markdown and mention syntax. */
export function oversizedBriefings(count: number): Briefing[] {
  return Array.from({ length: count }, (_, i) =>
    briefing({
      id: `oversized-${String(i).padStart(3, '0')}`,
      title: hostile(LIMITS.title, `Title ${i} `),
      source: {
        name: hostile(LIMITS.sourceName, `Src ${i} `),
        url: `https://example.org/${'a'.repeat(400)}/${i}`,
      },
      published: `2025-${String((i % 12) + 1).padStart(2, '0')}-0${(i % 9) + 1}`,
      location: hostile(LIMITS.location),
      summary: hostile(LIMITS.briefingSummary, 'security '),
      sections: Array.from({ length: 15 }, (_, s) => ({
        heading: hostile(LIMITS.heading, `Heading ${s} `),
        themes: [THEMES[s % THEMES.length]?.id ?? 'outlook', 'security-defence'],
        summary: hostile(LIMITS.sectionSummary, 'security '),
        points: Array.from({ length: LIMITS.pointsPerSection }, () => hostile(LIMITS.point, 'security ')),
      })),
      quotes: Array.from({ length: 5 }, (_, q) => ({
        text: hostile(LIMITS.quote, 'security '),
        speaker: hostile(LIMITS.speaker, `Speaker ${q} `),
        role: hostile(LIMITS.role),
        context: hostile(LIMITS.context),
        themes: ['security-defence'],
        source: { name: hostile(LIMITS.sourceName) },
      })),
      looking_ahead: Array.from({ length: 30 }, (_, k) => ({
        text: hostile(LIMITS.lookahead, 'security '),
        themes: ['security-defence'],
        ...(k % 3 === 0 ? {} : { horizon: `2026-${String((k % 12) + 1).padStart(2, '0')}` }),
      })),
    }),
  );
}

const LOREM = 'the delegations reviewed the draft text and agreed to meet again before the summit ';
/** Plain prose of exactly `n` characters (no markdown), ending in a marker word to find it by. */
export const prose = (n: number, marker: string): string =>
  `${LOREM.repeat(Math.ceil(n / LOREM.length))
    .slice(0, n - marker.length - 1)
    .trimEnd()} ${marker}`;

/** Like the oversized library, with plain prose: escaping adds nothing, so nothing is cut. */
export function longPlainLibrary(count: number) {
  const briefings = Array.from({ length: count }, (_, i) =>
    briefing({
      id: `long-${String(i).padStart(3, '0')}`,
      title: prose(LIMITS.title, `title${i}`),
      source: { name: prose(LIMITS.sourceName, `source${i}`) },
      published: `2025-${String((i % 12) + 1).padStart(2, '0')}-1${i % 10}`,
      summary: prose(LIMITS.briefingSummary, `summary${i}`),
      sections: Array.from({ length: 15 }, (_, s) => ({
        heading: prose(LIMITS.heading, `heading${i}x${s}`),
        themes: ['security-defence'],
        summary: prose(LIMITS.sectionSummary, `summary${i}x${s}`),
        points: Array.from({ length: LIMITS.pointsPerSection }, (_, p) =>
          prose(LIMITS.point, `point${i}x${s}x${p}`),
        ),
      })),
      looking_ahead: Array.from({ length: 30 }, (_, k) => ({
        text: prose(LIMITS.lookahead, `ahead${i}x${k}`),
        themes: ['security-defence'],
        ...(k % 3 === 0 ? {} : { horizon: `2026-${String((k % 12) + 1).padStart(2, '0')}` }),
      })),
    }),
  );
  return fakeLibrary(THEMES, briefings);
}

export const oversizedLibrary = (count = 30) =>
  fakeLibrary(
    THEMES.map((t) => ({
      ...t,
      description: hostile(LIMITS.description),
      label: hostile(LIMITS.label, t.id),
    })),
    oversizedBriefings(count),
  );

export function context(overrides: Partial<CommandContext> = {}): CommandContext {
  return {
    library: library(),
    now: () => NOW,
    random: () => 0,
    guildId: '100000000000000001',
    channelId: '100000000000000002',
    userId: '100000000000000003',
    memberPermissions: PermissionFlagsBits.SendMessages,
    locale: 'en-GB',
    services: {},
    ...overrides,
  };
}

export const adminPermissions = PermissionFlagsBits.ManageGuild | PermissionFlagsBits.SendMessages;
