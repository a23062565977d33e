/**
 * `npm run rest-proxy` as a process on a real socket, with the fake Discord upstream: bodies that
 * survive a retry, clients that leave mid-request, one global budget for several clients, the
 * Authorization header passed on and kept out of the logs, a clean stop, and named config errors.
 */
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useFakeDiscord } from '../fake-discord/vitest.js';
import { type Background, logLines, startScript, until } from './background.js';
import { runScript } from './spawn.js';

const TOKEN = 'MTA5ODc2NTQzMjEwOTg3NjU0Mw.proxy-test.bot-token-never-logged';
const discord = useFakeDiscord({ token: TOKEN, rateLimits: { global: 50 } });

/** A proxy process in front of the fake, on a free port; resolves once it listens. */
async function startProxy(): Promise<{ process: Background; url: string }> {
  const proxy = startScript('src/rest-proxy.ts', {
    DISCORD_API_URL: discord.fake.restUrl,
    REST_PROXY_PORT: '0',
    LOG_LEVEL: 'debug',
    LOG_FORMAT: 'json',
  });
  const listening = await until(
    () => logLines(proxy.output()).find((line) => line.msg === 'REST proxy listening'),
    `the proxy to listen; output so far:\n${proxy.output()}`,
  );
  return { process: proxy, url: String(listening.url) };
}

let proxy: Background;
let proxyUrl: string;
beforeAll(async () => {
  ({ process: proxy, url: proxyUrl } = await startProxy());
});
afterAll(async () => {
  proxy.signal('SIGTERM');
  await proxy.exited;
});

const call = (path: string, init: RequestInit = {}, token = TOKEN) =>
  fetch(`${proxyUrl}/v10${path}`, {
    ...init,
    headers: { authorization: `Bot ${token}`, ...(init.headers as Record<string, string> | undefined) },
  });

/** How many clients the proxy saw leave; and whether it died or logged an error on the way. */
const departures = () =>
  logLines(proxy.output()).filter((line) => String(line.msg).startsWith('client went away')).length;
const troubled = () =>
  proxy.child.exitCode !== null || logLines(proxy.output()).some((line) => Number(line.level) >= 50);

const upstream = (method: string, path: string) =>
  discord.fake.requests.filter((r) => r.method === method && r.path === path);

describe('GIVEN the REST proxy in front of Discord', () => {
  test.each([
    ['JSON', () => JSON.stringify(message), { 'content-type': 'application/json' }],
    [
      'multipart with a file',
      () => {
        const form = new FormData();
        form.append('payload_json', JSON.stringify(message));
        form.append('files[0]', new Blob(['briefing notes']), 'notes.txt');
        return form;
      },
      {},
    ],
  ] as const)(
    'WHEN a %s POST meets a 429 THEN its retry reaches Discord with the whole body',
    async (_kind, body, headers) => {
      const channel = discord.fake.channelId('general');
      const injected = discord.fake.inject({
        method: 'POST',
        path: `/channels/${channel}/messages`,
        status: 429,
        retryAfter: 0.2,
      });
      const response = await call(`/channels/${channel}/messages`, { method: 'POST', body: body(), headers });

      expect(response.status).toBe(200);
      expect(injected.hits).toBe(1);
      const attempts = upstream('POST', `/channels/${channel}/messages`);
      expect(attempts.map((a) => [a.status, a.body])).toEqual([
        [429, message],
        [200, message],
      ]);
      expect(discord.fake.messages(channel).at(-1)?.content).toBe(message.content);
    },
  );

  test('WHEN a client disconnects while Discord is slow to answer THEN the proxy lives on and serves the next request', async () => {
    discord.fake.inject({ method: 'GET', path: '/users/@me', delayMs: 400 });
    const dropped = request(`${proxyUrl}/v10/users/@me`, { headers: { authorization: `Bot ${TOKEN}` } });
    dropped.on('error', () => undefined);
    dropped.end();
    const arrived = await discord.fake.waitFor((fake) => fake.requests.find((r) => r.path === '/users/@me'));
    const before = departures();
    dropped.destroy();
    await until(() => departures() > before || troubled(), 'the proxy to notice the client left');
    await discord.fake.waitFor(() => arrived.status !== undefined);
    expect(troubled()).toBe(false);

    const next = await call('/users/@me');
    expect(next.status).toBe(200);
    expect(((await next.json()) as { id: string }).id).toBe(discord.fake.bot.id);
    expect(proxy.child.exitCode).toBeNull();
    expect(upstream('GET', '/users/@me')).toHaveLength(2);
  });

  test('WHEN a client disconnects halfway through sending its body THEN nothing is sent upstream and the proxy serves the next request', async () => {
    const channel = discord.fake.channelId('general');
    const before = departures();
    // With Expect: 100-continue the proxy says "continue" as its handler starts reading the body.
    const cut = request(`${proxyUrl}/v10/channels/${channel}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bot ${TOKEN}`,
        'content-type': 'application/json',
        'content-length': '1000',
        expect: '100-continue',
      },
    });
    cut.on('error', () => undefined);
    await new Promise((resolve) => cut.once('continue', resolve));
    await new Promise<void>((resolve) => cut.write('{"content":"half a mes', () => resolve()));
    cut.destroy();
    await until(() => departures() > before || troubled(), 'the proxy to notice the client left');
    expect(troubled()).toBe(false);

    const next = await call(`/channels/${channel}/messages`, {
      method: 'POST',
      body: JSON.stringify(message),
      headers: { 'content-type': 'application/json' },
    });
    expect(next.status).toBe(200);
    expect(upstream('POST', `/channels/${channel}/messages`).map((r) => r.body)).toEqual([message]);
  });

  test('WHEN three clients send 150 messages at once to a Discord allowing 50 a second THEN all arrive with no 429', async () => {
    const channels = Array.from({ length: 10 }, (_, i) => discord.fake.addChannel({ name: `desk-${i}` }));
    // Three shards, each with discord.js's own REST client and so its own 50/s limiter.
    const clients = [0, 1, 2].map(() => new REST({ api: proxyUrl }).setToken(TOKEN));
    await Promise.all(
      clients.flatMap((rest, client) =>
        Array.from({ length: 50 }, (_, i) =>
          rest.post(Routes.channelMessages(channels[i % channels.length] ?? ''), {
            body: { content: `shard ${client}, digest ${i}`, allowed_mentions: { parse: [] } },
          }),
        ),
      ),
    );

    const sent = channels.flatMap((channel) => discord.fake.messages(channel));
    expect(sent).toHaveLength(150);
    expect(discord.fake.stats.rateLimited).toBeLessThanOrEqual(1);
  }, 30_000);

  test("WHEN requests carry the bot's token THEN Discord receives the Authorization header unchanged, and a wrong one is Discord's to refuse", async () => {
    expect((await call('/users/@me')).status).toBe(200);
    const refused = await call('/users/@me', {}, 'not-the-bot-token');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ message: '401: Unauthorized', code: 0 });
    expect(upstream('GET', '/users/@me').map((r) => r.headers.authorization)).toEqual([
      `Bot ${TOKEN}`,
      'Bot not-the-bot-token',
    ]);
  });

  test("WHEN requests have gone through THEN each is logged, and no token appears in the proxy's logs", async () => {
    const webhookToken = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5.interaction-token-never-logged';
    const unknown = await call(`/webhooks/${discord.fake.application.id}/${webhookToken}/messages/@original`);
    expect(unknown.status).toBe(404);

    // The line is written once the answer has gone out.
    await until(
      () => logLines(proxy.output()).some((line) => line.msg === 'proxied' && line.status === 404),
      'the last request to be logged',
    );
    const output = proxy.output();
    expect(logLines(output).filter((line) => line.msg === 'proxied').length).toBeGreaterThan(150);
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain('not-the-bot-token');
    expect(output).not.toContain(webhookToken);
    expect(output.toLowerCase()).not.toContain('authorization');
  });

  test('WHEN it receives SIGTERM with a request under way THEN that request is answered and it exits 0', async () => {
    const { process: stopping, url } = await startProxy();
    discord.fake.inject({ method: 'GET', path: '/users/@me', delayMs: 300 });
    const underWay = fetch(`${url}/v10/users/@me`, { headers: { authorization: `Bot ${TOKEN}` } });
    await discord.fake.waitFor((fake) => fake.requests.some((r) => r.path === '/users/@me'));
    stopping.signal('SIGTERM');

    expect((await underWay).status).toBe(200);
    expect(await stopping.exited).toBe(0);
    expect(logLines(stopping.output()).map((line) => line.msg)).toContain('REST proxy stopped');
  });
});

const message = { content: 'Briefing: the summit, day two', allowed_mentions: { parse: [] } };

describe('GIVEN a REST proxy setting that cannot work', () => {
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

  const invalid = (problem: string) => `Invalid configuration:\n  - ${problem}`;
  test.each([
    [
      'REST_PROXY_PORT is not a port',
      () => ({ REST_PROXY_PORT: 'eighty' }),
      2,
      invalid('REST_PROXY_PORT: expected a port number from 0 to 65535'),
    ],
    [
      "DISCORD_API_URL is the proxy's own address",
      () => ({ REST_PROXY_PORT: '18080', DISCORD_API_URL: 'http://localhost:18080/api' }),
      2,
      invalid(
        "DISCORD_API_URL: expected where the proxy forwards to (unset: Discord's own), not the proxy's own address on port 18080; the shards' DISCORD_API_URL points at the proxy, the proxy's must not",
      ),
    ],
    [
      'the port is taken',
      () => ({ REST_PROXY_PORT: String(busyPort) }),
      1,
      'REST_PROXY_PORT: 127.0.0.1:<port> is already in use; stop what listens there or pick another port.',
    ],
  ])('WHEN %s THEN it stops with a message naming the setting', async (_case, env, code, message) => {
    const run = await runScript('src/rest-proxy.ts', { env: { ...env(), LOG_FORMAT: 'json' } });
    expect(run.code).toBe(code);
    expect(run.stderr.trim()).toBe(message.replace('<port>', String(busyPort)));
    expect(run.stdout).toBe('');
  });
});
