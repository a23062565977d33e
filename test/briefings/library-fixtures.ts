/** Small in-code builders for Library tests: each returns a valid, fully defaulted object. */
import { afterEach } from 'vitest';
import type {
  Briefing,
  Library,
  LoadResult,
  LookaheadItem,
  Quote,
  Section,
  Theme,
} from '../../src/briefings/index.js';
import { buildLibrary } from '../../src/briefings/library.js';

export const theme = (id: string, over: Partial<Theme> = {}): Theme => ({
  id,
  label: id.replace(/-/g, ' '),
  description: `About ${id}.`,
  colour: '#1f6feb',
  keywords: [id],
  ...over,
});

export const section = (over: Partial<Section> = {}): Section => ({
  heading: 'A heading',
  themes: ['security'],
  summary: 'A section summary.',
  points: [],
  ...over,
});

export const quote = (over: Partial<Quote> = {}): Quote => ({
  text: 'We will stand together.',
  speaker: 'A senior transatlantic official',
  themes: ['security'],
  ...over,
});

export const ahead = (over: Partial<LookaheadItem> = {}): LookaheadItem => ({
  text: 'Talks continue.',
  themes: ['outlook'],
  ...over,
});

export const briefing = (id: string, over: Partial<Briefing> = {}): Briefing => ({
  id,
  status: 'published',
  title: `Briefing ${id}`,
  source: { name: 'Example Wire', url: `https://example.org/${id}` },
  published: '2026-01-15',
  summary: `Summary of ${id}.`,
  sections: [section()],
  quotes: [],
  looking_ahead: [],
  ...over,
});

export const THEMES: Theme[] = ['security', 'economy', 'outlook', 'humanitarian'].map((id) => theme(id));

export const loadOf = (briefings: Briefing[], themes: Theme[] = THEMES): LoadResult => ({
  themes,
  briefings,
  problems: [],
  files: briefings.length + 1,
});

/**
 * A `build` that makes a Library from briefings and closes every one it made after each test (each
 * holds an in-memory search database). Call once at the top of a test file.
 */
export const useLibraries = () => {
  const open: Library[] = [];
  afterEach(() => {
    for (const library of open.splice(0)) library.dispose?.();
  });
  const track = <L extends Library>(library: L): L => {
    open.push(library);
    return library;
  };
  const build = (briefings: Briefing[], options?: Parameters<typeof buildLibrary>[1]): Library =>
    track(buildLibrary(loadOf(briefings), options));
  /** `build.track(library)` closes a library built another way (e.g. buildLibraryAsync). */
  return Object.assign(build, { track });
};
