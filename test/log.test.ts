import { Writable } from 'node:stream';
import { DiscordAPIError } from 'discord.js';
import { describe, expect, test } from 'vitest';
import { createLogger } from '../src/log.js';

const capture = () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  return { lines, destination: stream };
};

describe('logs', () => {
  const interactionToken = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDpzZWNyZXQ';
  const apiError = new DiscordAPIError(
    { code: 10062, message: 'Unknown interaction' },
    10062,
    404,
    'POST',
    `https://discord.com/api/v10/interactions/1234567890/${interactionToken}/callback`,
    { body: { type: 5 }, files: undefined },
  );

  test('GIVEN a Discord API error on an interaction WHEN logged THEN its token and request body are not written', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'info', format: 'json', destination });
    log.error({ err: apiError, command: 'brief' }, 'interaction failed');
    const line = lines.join('');
    expect(line).toContain('interaction failed');
    expect(line).toContain('/interactions/1234567890/[redacted]/callback');
    expect(line).not.toContain(interactionToken);
    expect(line).not.toContain('requestBody');
  });

  test('GIVEN an object with a token field WHEN logged THEN the value is redacted', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'info', format: 'json', destination });
    log.info({ config: { DISCORD_TOKEN: 'bot-secret' }, token: 'bot-secret' }, 'starting');
    expect(lines.join('')).not.toContain('bot-secret');
  });
  test('GIVEN credential headers spelled in any case WHEN logged THEN their values are redacted', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'info', format: 'json', destination });
    log.info(
      {
        headers: { Authorization: 'Bot header-secret-1', 'Content-Type': 'application/json' },
        request: {
          headers: { AUTHORIZATION: 'Bot header-secret-2', 'Proxy-Authorization': 'Basic header-secret-3' },
        },
        Token: 'header-secret-4',
      },
      'request',
    );
    const line = lines.join('');
    expect(line).not.toMatch(/header-secret/);
    expect(line).toContain('application/json');
  });

  test('GIVEN an AggregateError holding a Discord API error WHEN logged THEN the inner URL token and body are not written', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'info', format: 'json', destination });
    log.error({ err: new AggregateError([apiError], 'several attempts failed') }, 'interaction failed');
    const line = lines.join('');
    expect(line).toContain('several attempts failed');
    expect(line).toContain('/interactions/1234567890/[redacted]/callback');
    expect(line).not.toContain(interactionToken);
    expect(line).not.toContain('requestBody');
  });

  test('GIVEN an error naming a URL with a user and password WHEN logged THEN they are not written', () => {
    const { lines, destination } = capture();
    const log = createLogger({ level: 'info', format: 'json', destination });
    const cause = new Error('connect ECONNREFUSED for postgres://bot:pg-secret@db.internal:5432/attache');
    log.error(
      { err: new Error('store failed', { cause }), url: 'https://proxy:px-secret@proxy.example.org/api' },
      'x',
    );
    const line = lines.join('');
    expect(line).not.toContain('pg-secret');
    expect(line).not.toContain('px-secret');
    expect(line).toContain('db.internal:5432');
  });

  test.each([
    'postgres://bot:s3cr#t@db/attache',
    'postgres://bot:s3cr/t@db/attache',
    'postgres://bot:p@ss@db/attache',
  ])(
    'GIVEN a password with an unencoded @, # or / in %s WHEN logged THEN no part of it is written',
    (url) => {
      const { lines, destination } = capture();
      createLogger({ level: 'info', format: 'json', destination }).error(
        { err: new TypeError(`Invalid URL: ${url}`) },
        'x',
      );
      const line = lines.join('');
      expect(line).not.toMatch(/s3cr|ss@db/);
      expect(line).toContain('[redacted]@db/attache');
    },
  );
});
