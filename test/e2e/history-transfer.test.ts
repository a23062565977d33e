/**
 * /schedule history, export and import end to end: the real bot against the fake Discord. History
 * after a run, a late catch-up with a skipped slot, and a failure; an export attached as a file,
 * downloaded from the fake's CDN and imported into a second server through an attachment option
 * (channels mapped by name), with a bad line reported by its line number and nothing applied.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIEmbed } from 'discord.js';
import { afterEach, beforeEach, describe, expect, onTestFinished, test } from 'vitest';
import { compileRule } from '../../src/digest/when.js';
import { deployCommands } from '../../src/discord/deploy.js';
import type { CallbackBody } from '../fake-discord/index.js';
import { defaultGuildSeed } from '../fake-discord/state.js';
import { useFakeDiscord } from '../fake-discord/vitest.js';
import { type Harness, manualCron, startHarness } from './harness.js';

const MANAGE_GUILD = 1n << 5n;
const EMBED_LINKS = 1n << 14n;

const clockAt = { ms: Date.now() };
const now = () => new Date(clockAt.ms);
const HOUR = 3_600_000;

const discord = useFakeDiscord({ requireSafeMentions: true });
let stateDir: string;
let harness: Harness | undefined;
let clock: ReturnType<typeof manualCron>;

const start = async () => {
  clock = manualCron();
  harness = await startHarness(discord.fake, {}, stateDir, { cron: clock.cron, watch: false, now });
  return harness;
};

beforeEach(() => {
  clockAt.ms = Date.now();
  stateDir = mkdtempSync(join(tmpdir(), 'attache-transfer-'));
});
afterEach(async () => {
  await harness?.stop({ keepState: true });
  harness = undefined;
  rmSync(stateDir, { recursive: true, force: true });
});

const asAdmin = { user: 'admin', memberPermissions: MANAGE_GUILD };
const schedule = (
  subcommand: string,
  options: Record<string, string | boolean | { type: number; value: string }> = {},
  guildId?: string,
) =>
  discord.fake.interact({
    type: 'command',
    name: 'schedule',
    subcommand,
    options,
    ...asAdmin,
    ...(guildId ? { guildId } : {}),
  });

const text = (callback: CallbackBody | undefined): string => {
  const data = (callback?.data ?? {}) as { content?: string; embeds?: APIEmbed[] };
  return [
    data.content ?? '',
    ...(data.embeds ?? []).flatMap((e) => [
      e.title,
      e.description,
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
      e.footer?.text,
    ]),
  ]
    .join('\n')
    .replace(/\u200b/g, '');
};

async function addSchedule(channelId: string, when: string, guildId?: string) {
  const i = await schedule(
    'add',
    { channel: { type: 7, value: channelId }, when, timezone: 'UTC', skip_if_empty: false },
    guildId,
  );
  const saved = await harness?.bot.app.digests.schedules.schedules?.(guildId ?? discord.fake.guildId);
  const added = saved?.find((s) => s.channelId === channelId && s.when === when);
  if (!added) throw new Error(`schedule not saved: ${text(i.callback)}`);
  return added.id;
}

describe('GIVEN an admin', () => {
  test('WHEN a schedule runs, misses slots while the bot is down, and then fails THEN /schedule history shows the run with its link, the skip, the late run and the failure', async () => {
    await start();
    const channel = discord.fake.channelId('briefings');
    const id = await addSchedule(channel, '0 * * * *');
    const first = compileRule('0 * * * *', 'UTC').next(now());
    if (!first) throw new Error('no slot');
    clockAt.ms = first.getTime() + 5_000;
    await clock.fire(id, first);
    const sent = discord.fake.messages(channel)[0];
    expect(sent).toBeDefined();

    // Down across two slots: the latest is caught up late, the older one recorded skipped.
    await harness?.stop({ keepState: true });
    clockAt.ms = first.getTime() + 3 * HOUR - 60_000;
    await start();
    await discord.fake.waitFor((f) => f.messages(channel).length === 2, 5000);

    discord.fake.setOverwrites(channel, [{ id: 'bot', deny: [EMBED_LINKS] }]);
    onTestFinished(() => discord.fake.setOverwrites(channel, []));
    const client = harness?.bot.client;
    await discord.fake.waitFor(() => {
      const c = client?.channels.cache.get(channel);
      return c && 'permissionsFor' in c && client?.user
        ? c.permissionsFor(client.user)?.has(EMBED_LINKS) === false
        : false;
    });
    const fourth = new Date(first.getTime() + 3 * HOUR);
    clockAt.ms = fourth.getTime() + 5_000;
    await clock.fire(id, fourth);

    const history = await schedule('history', { id });
    const shown = text(history.callback);
    expect((history.callback.data as { flags?: number }).flags).toBe(64);
    const lines = shown.split('\n').filter((l) => l.startsWith('<t:'));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('❌ failed: missing permission: Embed Links');
    expect(lines[1]).toMatch(/✅ sent \(late\) · \[message\]\(https:\/\/discord\.com\/channels\//);
    expect(lines[2]).toContain('⏭️ skipped: missed while the bot was offline or asleep');
    expect(lines[3]).toContain(
      `✅ sent · [message](https://discord.com/channels/${discord.fake.guildId}/${channel}/${sent?.id})`,
    );
  });

  test('WHEN the schedules are exported and the file imported into a second server THEN a bad line is reported by its number with nothing applied, and the good file adds the same schedules with channels matched by name', async () => {
    const second = discord.fake.addGuild({ ...defaultGuildSeed(), name: 'Second Guild' });
    await start();
    if (!harness) throw new Error('no bot');
    await deployCommands({ ...harness.config, DISCORD_GUILD_ID: second });
    await addSchedule(discord.fake.channelId('briefings'), 'daily 08:00');
    await addSchedule(discord.fake.channelId('general'), 'weekly mon 09:00');

    const exported = await schedule('export');
    expect(exported.accepted).toBe(true);
    const file = exported.reply?.attachments[0] as { id: string; filename: string; url: string } | undefined;
    expect(file?.filename).toBe(`schedules-${discord.fake.guildId}.yaml`);
    const yaml = await (await fetch(file?.url ?? '')).text();
    expect(yaml).toContain('name: briefings');
    expect(yaml).toContain('when: weekly mon 09:00');

    // A member without Manage Server is refused before the file is even downloaded.
    const downloads = discord.fake.stats.downloads;
    const uploaded = discord.fake.upload({ filename: 'schedules.yaml', content: yaml });
    const intruder = await discord.fake.interact({
      type: 'command',
      name: 'schedule',
      subcommand: 'import',
      options: { file: uploaded.id },
      user: 'reader',
      memberPermissions: 0n,
      guildId: second,
    });
    expect(text(intruder.callback)).toContain('Manage Server');
    expect(discord.fake.stats.downloads).toBe(downloads);

    const bad = discord.fake.upload({
      filename: 'schedules.yaml',
      content: yaml.replace('when: weekly mon 09:00', 'when: weekly funday 09:00'),
    });
    const refused = await schedule('import', { file: bad.id }, second);
    // An admin's file is downloaded: the counter sees the bot's downloads.
    expect(discord.fake.stats.downloads).toBe(downloads + 1);
    const badLine = yaml.split('\n').findIndex((l) => l.includes('weekly mon 09:00')) + 1;
    expect(text(refused.callback)).toContain(`line ${badLine} · \`schedules[1].when\``);
    expect(await harness.bot.app.digests.store.readGuild(second)).toEqual([]);

    const good = discord.fake.upload({ filename: 'schedules.yaml', content: yaml });
    const preview = await schedule('import', { file: good.id }, second);
    expect(text(preview.callback)).toContain('Import preview: 2 to add, 0 to update, 0 unchanged');
    expect(text(preview.callback)).toContain('matched by name');
    const rows = (preview.callback.data?.components ?? []) as { components: { custom_id?: string }[] }[];
    const confirm = rows[0]?.components[0]?.custom_id;
    const done = await discord.fake.interact({
      type: 'button',
      customId: confirm ?? '',
      guildId: second,
      ...asAdmin,
    });
    expect(text(done.callback)).toContain('Imported: 2 added, 0 updated');
    const copied = await harness.bot.app.digests.store.readGuild(second);
    expect(copied.map((s) => [s.channelId, s.channelName, s.when])).toEqual([
      [discord.fake.channelId('briefings', second), 'briefings', 'daily 08:00'],
      [discord.fake.channelId('general', second), 'general', 'weekly mon 09:00'],
    ]);
  });
});
