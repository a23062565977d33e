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
  const commands = [...registry.commands.entries()];
  const members = commands.filter(([, c]) => !c.admin).map(([name]) => name);
  const admins = commands.filter(([, c]) => c.admin).map(([name]) => name);

  test.each(commands)('GIVEN /%s WHEN its module is read THEN it carries its help', (name, command) => {
    expect(command.help, `commands/${name}.ts needs a help field`).toBeDefined();
    expect(command.help?.usage.split(' ')[0]).toBe(`/${name}`);
    expect(command.help?.summary).not.toBe('');
  });

  test.each(members)(
    'GIVEN the member command /%s WHEN help is asked THEN it has a field with a working example',
    async (name) => {
      const fields = (await run('help')).embeds?.[0]?.fields ?? [];
      const field = fields.find((f) => f.name.split(' ')[0] === `/${name}`);
      expect(field?.value).toContain(`\`/${name}`);
    },
  );

  test.each(admins)(
    'GIVEN the admin command /%s WHEN help is asked THEN the server admins field names it',
    async (name) => {
      const fields = (await run('help')).embeds?.[0]?.fields ?? [];
      expect(fields.find((f) => f.name === 'For server admins')?.value).toContain(`\`/${name}\``);
    },
  );

  test('GIVEN the shipped commands WHEN help is asked THEN they keep their order, the admins last', async () => {
    const reply = await run('help');
    const names = reply.embeds?.[0]?.fields?.map((f) => f.name) ?? [];
    const shipped = [
      '/brief [briefing]',
      '/theme <theme> [briefing]',
      '/quote [theme] [speaker]',
      '/lookahead [theme] [within]',
      '/search <query>',
      '/sources',
      '/help',
    ];
    expect(names.filter((n) => shipped.includes(n))).toEqual(shipped);
    expect(names.slice(-2)).toEqual(['For server admins', 'When /schedule says no']);
    const refusals = reply.embeds?.[0]?.fields?.at(-1)?.value ?? '';
    for (const refusal of [
      'never a thread',
      'never @\u200beveryone or @\u200bhere',
      'Manage Roles',
      'line and field',
      'alerts channel',
    ]) {
      expect(refusals).toContain(refusal);
    }
    expect(texts(reply)).toContain('/theme theme:security-defence');
    expect(texts(reply)).toContain(
      '`/schedule` posts a “looking ahead” digest to a channel on a schedule (add, list, edit, remove, pause, resume, preview, run-now, history, export, import): a text channel, an announcement channel (published), or a forum (one post each, with tags:); thread:on starts a discussion thread from each; mention:<role> pings that one role, which members join with 🔔 Notify me; alerts channel:#… announces a schedule that starts failing (with the fix) and its recovery, alerts off:true stops it; `/status` shows the data loaded and every schedule.',
    );
    expect(texts(reply)).toContain('Manage Server');
  });
});
