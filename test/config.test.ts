import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ConfigError, ConfigSchema, parseConfig, schemeOf } from '../src/config.js';
import { openStore } from '../src/digest/store.js';

const catchConfigError = (env: NodeJS.ProcessEnv): ConfigError => {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('config', () => {
  test('GIVEN an empty environment THEN every default applies and the store lives under the state folder', () => {
    const config = parseConfig({});
    expect(config.DISCORD_TOKEN).toBeUndefined();
    expect(config).toMatchObject({
      DATA_DIR: 'data',
      STATE_DIR: 'state',
      STORE_URL: 'sqlite://state/attache.sqlite',
      DEFAULT_TIMEZONE: 'Europe/Brussels',
      SCHEDULE_MIN_INTERVAL_MINUTES: 60,
      SCHEDULE_MAX_PER_GUILD: 25,
      CATCH_UP_WINDOW_HOURS: 6,
      LOG_LEVEL: 'info',
    });
  });

  test('GIVEN empty strings for optional values THEN they count as unset', () => {
    const config = parseConfig({
      DISCORD_TOKEN: '',
      DISCORD_GUILD_ID: '',
      DISCORD_API_URL: '',
      STORE_URL: '',
    });
    expect(config.DISCORD_TOKEN).toBeUndefined();
    expect(config.DISCORD_GUILD_ID).toBeUndefined();
    expect(config.DISCORD_API_URL).toBeUndefined();
  });

  test('GIVEN every variable empty or blank (as .env.example ships them) THEN each counts as unset and its default applies', () => {
    const names = Object.keys(ConfigSchema.shape);
    const blank = (value: string) => Object.fromEntries(names.map((name) => [name, value]));
    for (const value of ['', '  ']) expect(parseConfig(blank(value))).toEqual(parseConfig({}));
  });

  describe('GIVEN STORE_URL', () => {
    const secret = 'hunter2';

    test('WHEN it has no scheme:// THEN the error names STORE_URL and never echoes the value', () => {
      const error = catchConfigError({ STORE_URL: `postgres:admin:${secret}@db.internal:5432/attache` });
      expect(error.problems).toEqual([
        'STORE_URL: expected a URL with a scheme, such as sqlite://state/attache.sqlite or memory://',
      ]);
      expect(error.message).not.toContain(secret);
      expect(error.message).not.toContain('admin');
    });

    test('WHEN the store is opened with a value that has no scheme:// THEN the error never echoes it', async () => {
      const error = await openStore(`admin:${secret}@db.internal`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toContain('STORE_URL');
      expect((error as ConfigError).message).not.toContain(secret);
    });
  });

  describe('GIVEN DISCORD_API_URL', () => {
    test('WHEN it carries a user name and password THEN it is refused without echoing them', () => {
      const error = catchConfigError({
        DISCORD_API_URL: 'https://proxyuser:s3cret-pw@proxy.example.org/api',
      });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^DISCORD_API_URL: expected a URL without a user name or password/);
      expect(error.message).not.toContain('s3cret-pw');
      expect(error.message).not.toContain('proxyuser');
    });

    test.each([
      'http://proxy.example.org/api',
      'http://10.0.0.5:8080/api',
      'http://127.0.0.1.example.org/api',
    ])(
      'WHEN it is plain http to another machine (%s) THEN it is refused: the token would travel unencrypted',
      (url) => {
        const error = catchConfigError({ DISCORD_API_URL: url });
        expect(error.problems).toEqual([
          'DISCORD_API_URL: expected https, or http only to this machine (localhost, 127.0.0.1, [::1]): plain http would send the bot token unencrypted',
        ]);
      },
    );

    test.each([
      'https://discord.com/api',
      'https://proxy.example.org:8443/api',
      'http://127.0.0.1:3000/api',
      'http://127.8.9.10/api',
      'http://localhost:3000/api',
      'http://[::1]:3000/api',
    ])('WHEN it is %s THEN it is accepted', (url) => {
      expect(parseConfig({ DISCORD_API_URL: url }).DISCORD_API_URL).toBe(url);
    });
  });

  describe('GIVEN TOTAL_SHARDS and SHARD_IDS', () => {
    test.each([
      ['4', undefined, 4, undefined],
      ['16', '0-3', 16, [0, 1, 2, 3]],
      ['8', '4,5,7', 8, [4, 5, 7]],
      ['16', '0-3,8', 16, [0, 1, 2, 3, 8]],
      ['16', ' 8, 0-3 ', 16, [0, 1, 2, 3, 8]],
      ['4', '2-2', 4, [2]],
    ])(
      'WHEN TOTAL_SHARDS=%s and SHARD_IDS=%s THEN the total is %s and the ids %j',
      (total, ids, count, list) => {
        const config = parseConfig({ TOTAL_SHARDS: total, ...(ids === undefined ? {} : { SHARD_IDS: ids }) });
        expect(config.TOTAL_SHARDS).toBe(count);
        expect(config.SHARD_IDS).toEqual(list);
      },
    );

    test('WHEN neither is set THEN both are unset (the count is asked of Discord, every shard runs)', () => {
      const config = parseConfig({});
      expect(config.TOTAL_SHARDS).toBeUndefined();
      expect(config.SHARD_IDS).toBeUndefined();
    });

    test.each([
      [{ TOTAL_SHARDS: '0' }, 'TOTAL_SHARDS: expected a whole number of shards, 1 or more'],
      [{ TOTAL_SHARDS: '2.5' }, 'TOTAL_SHARDS: expected a whole number of shards, 1 or more'],
      [{ TOTAL_SHARDS: 'four' }, 'TOTAL_SHARDS: expected a whole number of shards, 1 or more'],
      [
        { SHARD_IDS: '0-3' },
        'SHARD_IDS: expected TOTAL_SHARDS to be set too: every machine must run its shards out of the same total',
      ],
      [
        { TOTAL_SHARDS: '4', SHARD_IDS: '0-4' },
        'SHARD_IDS: expected ids from 0 to 3, below TOTAL_SHARDS (4); 4 is not',
      ],
      [
        { TOTAL_SHARDS: '4', SHARD_IDS: '7' },
        'SHARD_IDS: expected ids from 0 to 3, below TOTAL_SHARDS (4); 7 is not',
      ],
      [
        { TOTAL_SHARDS: '8', SHARD_IDS: '0-3,2-5' },
        'SHARD_IDS: expected each shard id once (2 is listed twice)',
      ],
      [
        { TOTAL_SHARDS: '8', SHARD_IDS: '4,5,4' },
        'SHARD_IDS: expected each shard id once (4 is listed twice)',
      ],
      [
        { TOTAL_SHARDS: '8', SHARD_IDS: '0-3,3' },
        'SHARD_IDS: expected each shard id once (3 is listed twice)',
      ],
      [
        { TOTAL_SHARDS: '8', SHARD_IDS: '3-1' },
        'SHARD_IDS: expected ranges from low to high (3-1 is reversed)',
      ],
      ...['0..3', '-1', '1-', 'a-b', '0-3;4', '1,,2'].map((ids) => [
        { TOTAL_SHARDS: '8', SHARD_IDS: ids },
        'SHARD_IDS: expected shard ids as numbers and ranges, such as 0-3, 4,5,7 or 0-3,8',
      ]),
    ] as [Record<string, string>, string][])('WHEN %j THEN the one problem is "%s"', (env, problem) => {
      expect(catchConfigError(env).problems).toEqual([problem]);
    });

    test('WHEN a range is far wider than the total THEN it is refused without being spelled out', () => {
      const error = catchConfigError({ TOTAL_SHARDS: '2', SHARD_IDS: '0-9999999999' });
      expect(error.problems).toEqual([
        'SHARD_IDS: expected ids from 0 to 1, below TOTAL_SHARDS (2); 9999999999 is not',
      ]);
    });

    test('WHEN SHARD_IDS lacks its total and another variable is bad THEN both problems are listed', () => {
      const error = catchConfigError({ SHARD_IDS: '0-3', LOG_LEVEL: 'loud' });
      expect(error.problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'SHARD_IDS']);
    });
  });

  describe('GIVEN the REST proxy settings', () => {
    test('WHEN unset THEN it listens on 127.0.0.1:8080', () => {
      expect(parseConfig({})).toMatchObject({ REST_PROXY_HOST: '127.0.0.1', REST_PROXY_PORT: 8080 });
    });

    test.each(['-1', '65536', '80.5', 'http'])(
      'WHEN REST_PROXY_PORT=%s THEN it is refused by name',
      (port) => {
        expect(catchConfigError({ REST_PROXY_PORT: port }).problems).toEqual([
          'REST_PROXY_PORT: expected a port number from 0 to 65535',
        ]);
      },
    );
  });

  test('GIVEN several bad values THEN one error lists every one by name', () => {
    const error = catchConfigError({
      DISCORD_GUILD_ID: 'my-guild',
      OPERATOR_GUILD_ID: 'ops',
      DISCORD_API_URL: 'not a url',
      DEFAULT_TIMEZONE: 'Mars/Olympus',
      SCHEDULE_MAX_PER_GUILD: '-3',
      LOG_LEVEL: 'loud',
    });
    const names = error.problems.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual(
      [
        'DEFAULT_TIMEZONE',
        'DISCORD_API_URL',
        'DISCORD_GUILD_ID',
        'LOG_LEVEL',
        'OPERATOR_GUILD_ID',
        'SCHEDULE_MAX_PER_GUILD',
      ].sort(),
    );
    expect(error.message).toContain('DEFAULT_TIMEZONE: expected an IANA time zone');
  });

  test('GIVEN OPERATOR_GUILD_ID set to a server id THEN it is kept as given', () => {
    expect(parseConfig({ OPERATOR_GUILD_ID: '123456789012345678' }).OPERATOR_GUILD_ID).toBe(
      '123456789012345678',
    );
  });

  test('GIVEN a token and another bad value THEN the token never appears in the error', () => {
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.secret.token-value';
    const error = catchConfigError({ DISCORD_TOKEN: token, LOG_LEVEL: token, DISCORD_API_URL: token });
    expect(error.message).not.toContain(token);
    expect(error.message).not.toContain('secret');
  });

  test('GIVEN src/config.ts THEN it imports nothing of the app, so every module may import it without a cycle', () => {
    const source = readFileSync(new URL('../src/config.ts', import.meta.url), 'utf8');
    const specifiers = [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].map(
      (m) => m[1],
    );
    expect(specifiers).toContain('zod');
    expect(specifiers.filter((s) => s?.startsWith('.'))).toEqual([]);
  });

  test.each([
    ['sqlite://state/attache.sqlite', 'sqlite'],
    ['POSTGRES://db/attache', 'postgres'],
    ['mongodb+srv://cluster/attache', 'mongodb+srv'],
    ['memory://', 'memory'],
    ['postgres:admin:secret@db', undefined],
    ['state/attache.sqlite', undefined],
  ])('GIVEN the URL %s THEN its scheme is %s', (url, scheme) => {
    expect(schemeOf(url)).toBe(scheme);
  });
});
