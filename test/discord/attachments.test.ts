/**
 * The dispatcher's download of an attachment option: from the URL Discord gives, refused past the
 * cap by its announced size and again while reading, and refused when it is not UTF-8 text.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Attachment } from 'discord.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { downloadAttachment } from '../../src/discord/dispatcher.js';
import { isUserError } from '../../src/errors.js';
import { ATTACHMENT_MAX_BYTES } from '../../src/options/index.js';

const bodies: Record<string, Buffer> = {
  '/ok.yaml': Buffer.from('\uFEFFversion: 1\n', 'utf8'),
  '/huge.yaml': Buffer.alloc(ATTACHMENT_MAX_BYTES + 10, 'a'),
  '/binary.bin': Buffer.from([0xff, 0xfe, 0x00, 0xc3]),
};
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const body = bodies[req.url ?? ''];
    res.writeHead(body ? 200 : 404).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const attachment = (path: string, size: number) =>
  ({ id: '1', name: path.slice(1), size, url: `${base}${path}` }) as Attachment;

describe('downloadAttachment', () => {
  test('GIVEN a small text file WHEN downloaded THEN its text comes back, without a byte order mark', async () => {
    expect(await downloadAttachment('file', attachment('/ok.yaml', 14))).toEqual({
      name: 'ok.yaml',
      size: 14,
      content: 'version: 1\n',
    });
  });

  test.each([
    ['announced larger than the cap', '/ok.yaml', ATTACHMENT_MAX_BYTES + 1, /at most 1024 KB is read/],
    ['larger than announced', '/huge.yaml', 10, /at most 1024 KB is read/],
    ['not UTF-8', '/binary.bin', 4, /is not a text file \(UTF-8\)/],
  ])(
    'GIVEN a file %s WHEN downloaded THEN it is refused, naming the option',
    async (_what, path, size, message) => {
      const error = await downloadAttachment('file', attachment(path, size)).catch((e: unknown) => e);
      expect(isUserError(error) && error.option).toBe('file');
      expect(isUserError(error) && error.message).toMatch(message);
    },
  );

  test('GIVEN a URL that answers 404 WHEN downloaded THEN it fails as a bot error, not a user one', async () => {
    const error = await downloadAttachment('file', attachment('/gone.yaml', 3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isUserError(error)).toBe(false);
  });
});
