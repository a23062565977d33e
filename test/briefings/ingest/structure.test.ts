import { describe, expect, test } from 'vitest';
import { isHeadingShaped, parseStructure } from '../../../src/briefings/ingest/structure.js';

describe('isHeadingShaped', () => {
  test.each([
    ['Security Coordination at the Core of the Agenda', true],
    ['What comes next', true],
    ['Will the ceasefire hold?', true],
    ['Background', true],
    ['A senior transatlantic official said,', false],
    ['Officials declined to comment.', false],
    ['Melnyk told delegates:', false],
    ['lowercase start is a broken line', false],
    ['“Durable partnerships are built through patience.”', false],
  ])('GIVEN "%s" THEN heading-shaped is %s', (line, expected) => {
    expect(isHeadingShaped(line)).toBe(expected);
  });
});

describe('parseStructure', () => {
  test('GIVEN one paragraph per line with heading lines THEN each heading starts a section with its paragraphs', () => {
    const s = parseStructure(
      [
        'Ministers meet in Brussels',
        'BRUSSELS, Jan. 14, 2026 — Ministers met on Tuesday.',
        'A second paragraph of the lead.',
        'Security First',
        'Defence was discussed at length.',
        '',
        'Looking Ahead',
        'More talks will follow.',
      ].join('\n'),
    );
    expect(s.title).toBe('Ministers meet in Brussels');
    expect(s.sections.map((x) => x.heading)).toEqual([undefined, 'Security First', 'Looking Ahead']);
    expect(s.sections.map((x) => x.paragraphs.length)).toEqual([2, 1, 1]);
  });

  test('GIVEN a first line that is a paragraph THEN there is no title', () => {
    const s = parseStructure(
      'Washington, D.C., January 2026, The Paper highlights talks.\nA Heading\nText here.',
    );
    expect(s.title).toBeUndefined();
    expect(s.sections[1]?.heading).toBe('A Heading');
  });

  test('GIVEN text hard-wrapped at a fixed width THEN wrapped lines are joined and no heading is invented', () => {
    const lead =
      'GENEVA, 23 January 2026 - Two days of talks on humanitarian access and\n' +
      'prisoner exchanges ended in Geneva on Friday without an agreement, but\n' +
      'the Red Cross said both delegations had agreed to keep working through\n' +
      'technical channels.';
    const second =
      'The talks, which began at 9 a.m. on Thursday and ran past 11 p.m., were\n' +
      'the first in-person meeting of the two sides since Oct. 2025. Mediators\n' +
      'from Switzerland and Qatar shuttled between the delegations.';
    const s = parseStructure(`Geneva talks end without deal\n\n${lead}\n\n${second}\n`);
    expect(s.title).toBe('Geneva talks end without deal');
    expect(s.sections).toHaveLength(1);
    expect(s.sections[0]?.heading).toBeUndefined();
    expect(s.sections[0]?.paragraphs).toHaveLength(2);
    expect(s.sections[0]?.paragraphs[0]).toMatch(
      /^GENEVA, 23 January 2026 - Two days .* technical channels\.$/,
    );
  });

  test('GIVEN wrapped text with a short heading between blank lines THEN the heading is found', () => {
    const para = (w: string) =>
      `${w} delegations met for a long session about the corridor arrangements and\nagreed to keep talking through the technical groups next month.`;
    const s = parseStructure(`${para('Two')}\n\nWhat Comes Next\n\n${para('Three')}\n\n${para('Four')}\n`);
    expect(s.sections.map((x) => x.heading)).toEqual([undefined, 'What Comes Next']);
  });

  test('GIVEN header lines under the title THEN byline, date and source are read and kept out of the body', () => {
    const s = parseStructure(
      [
        'OSCE Weighs Return of Monitors',
        'By Daniel Ferreira',
        'Published: 9 June 2026',
        'Source: Danube Diplomatic Bulletin',
        '',
        'VIENNA, 9 June 2026 - Delegations resumed talks on Tuesday.',
      ].join('\n'),
    );
    expect(s.byline).toBe('Daniel Ferreira');
    expect(s.headerDate).toEqual({ year: 2026, month: 6, day: 9 });
    expect(s.headerSource).toBe('Danube Diplomatic Bulletin');
    expect(s.sections[0]?.paragraphs).toEqual([
      'VIENNA, 9 June 2026 - Delegations resumed talks on Tuesday.',
    ]);
  });

  test('GIVEN an "Updated …, 4:15 p.m." header line THEN it is read as the date, not as the lead', () => {
    const s = parseStructure(
      'A Title Here\nUpdated Sept. 10, 2026, 4:15 p.m.\n\nTALLINN, Estonia — Specialists met.',
    );
    expect(s.headerDate).toEqual({ year: 2026, month: 9, day: 10 });
    expect(s.sections[0]?.paragraphs).toEqual(['TALLINN, Estonia — Specialists met.']);
  });

  test('GIVEN an outlet and date on one header line THEN the outlet is the source', () => {
    const s = parseStructure(
      '# Title Here\n\n*Atlantic Affairs Review* | Washington, D.C., April 2, 2026\n\nBody text.',
    );
    expect(s.title).toBe('Title Here');
    expect(s.headerSource).toBe('Atlantic Affairs Review');
  });

  test('GIVEN markdown headings THEN they are headings without their marks', () => {
    const s = parseStructure('# The Title\n\nLead paragraph here.\n\n## A Joint Announcement\n\nBody text.');
    expect(s.sections.map((x) => x.heading)).toEqual([undefined, 'A Joint Announcement']);
  });

  test('GIVEN a line broken mid-sentence in one-paragraph-per-line text THEN the halves are one paragraph', () => {
    const s = parseStructure(
      'Title Line\nThe ministers agreed on a plan that\nwill be published next week.\nOther text.',
    );
    expect(s.sections[0]?.paragraphs[0]).toBe(
      'The ministers agreed on a plan that will be published next week.',
    );
  });

  test('GIVEN a speaker line ending with a comma THEN it is a paragraph, not a heading', () => {
    const s = parseStructure(
      'Title Line\nA senior official said,\n“Durable partnerships take patience.”\nMore text.',
    );
    expect(s.sections).toHaveLength(1);
    expect(s.sections[0]?.paragraphs).toHaveLength(3);
  });
});

describe('dateline and byline lines are never headings', () => {
  test.each([
    'By the Example Gazette foreign desk',
    'By the Example Gazette foreign desk, Vienna, 4 June 2027',
    'Riga, Latvia — May 2027 — The Example Times',
    'By Jonathan Reyes, Washington, 11 January 2027',
  ])('GIVEN the header line "%s" THEN it is kept as a header line, not a heading', (line) => {
    const s = parseStructure(
      [
        'A Title for the Article',
        '',
        line,
        '',
        'The first paragraph says what happened.',
        '',
        'Another paragraph.',
      ].join('\n'),
    );
    expect(s.sections.map((x) => x.heading)).not.toContain(line);
    expect(s.headerLines).toContain(line);
  });
});
