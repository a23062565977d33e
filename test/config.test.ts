import { describe, expect, test } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';

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

  test('GIVEN several bad values THEN one error lists every one by name', () => {
    const error = catchConfigError({
      DISCORD_GUILD_ID: 'my-guild',
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
        'SCHEDULE_MAX_PER_GUILD',
      ].sort(),
    );
    expect(error.message).toContain('DEFAULT_TIMEZONE: expected an IANA time zone');
  });

  test('GIVEN a token and another bad value THEN the token never appears in the error', () => {
    const token = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.secret.token-value';
    const error = catchConfigError({ DISCORD_TOKEN: token, LOG_LEVEL: token, DISCORD_API_URL: token });
    expect(error.message).not.toContain(token);
    expect(error.message).not.toContain('secret');
  });
});
