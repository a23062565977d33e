import { describe, expect, test } from 'vitest';
import { context, emptyLibrary, longPlainLibrary } from './fixtures.js';
import { allPages, registry, run, texts } from './helpers.js';

describe('/sources', () => {
  test('GIVEN the library WHEN listed THEN each published briefing with source, date and themes', async () => {
    const reply = await run('sources');
    const [embed] = reply.embeds ?? [];
    expect(embed?.description).toMatch(
      /^2 briefings from 2 sources, newest first: 5 sections, 3 quotes, 5 looking-ahead items\./,
    );
    expect(embed?.fields?.map((f) => f.name)).toEqual([
      'Brussels talks on security guarantees',
      'Washington readout on sanctions',
    ]);
    expect(embed?.fields?.[0]?.value).toMatch(
      /^\[Example Wire\]\(https:\/\/example\.org\/brussels-talks\) · <t:\d+:D>\nSecurity & defence · Political dialogue · Economy & reconstruction\n`\/brief briefing:brussels-talks-2026-01`$/,
    );
    expect(embed?.fields?.[1]?.value).toMatch(/^Other Desk · December 2025\n/);
    expect(texts(reply)).not.toContain('Draft');
  });

  test('GIVEN hundreds of briefings WHEN paged THEN each is listed once, newest first', async () => {
    const lib = longPlainLibrary(60);
    const ctx = context({ library: lib });
    const pages = await allPages(await run('sources', {}, ctx), ctx);
    const listed = pages.flatMap((p) => p.embeds?.[0]?.fields?.map((f) => f.name) ?? []);
    expect(listed).toEqual(lib.latest().map((b) => b.title));
  });

  test('GIVEN no briefings WHEN listed THEN it says how curators add them', async () => {
    expect(texts(await run('sources', {}, context({ library: emptyLibrary() })))).toContain(
      'data/briefings/',
    );
  });
});

describe('/help', () => {
  test('GIVEN the registry WHEN help is asked THEN every user command is explained with a working example', async () => {
    const reply = await run('help');
    const fields = reply.embeds?.[0]?.fields ?? [];
    for (const [name, command] of registry.commands) {
      if (command.admin || name === 'schedule' || name === 'status') continue;
      const field = fields.find((f) => f.name.startsWith(`/${name}`));
      expect(field, name).toBeDefined();
      expect(field?.value).toContain(`\`/${name}`);
    }
    expect(texts(reply)).toContain('/theme theme:security-defence');
    expect(texts(reply)).toContain('Manage Server');
  });
});
