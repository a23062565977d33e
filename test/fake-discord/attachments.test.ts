/**
 * The fake's attachments: a message sent with a file carries it as an attachment served from the
 * fake's CDN (matching discord-api-spec's AttachmentResponseSchema), and an upload is served too.
 */
import { describe, expect, test } from 'vitest';
import { schemas } from './spec.js';
import { useFakeDiscord } from './vitest.js';

const discord = useFakeDiscord();

describe('GIVEN the fake Discord', () => {
  test('WHEN a bot posts a message with a file THEN the message lists the attachment and its URL serves the bytes', async () => {
    const { fake } = discord;
    const channel = fake.channelId('general');
    const form = new FormData();
    form.set(
      'payload_json',
      JSON.stringify({
        content: 'the export',
        allowed_mentions: { parse: [] },
        attachments: [{ id: '0', filename: 'a.yaml' }],
      }),
    );
    form.set('files[0]', new Blob(['version: 1\n'], { type: 'application/yaml' }), 'a.yaml');
    const response = await fetch(`${fake.restUrl}/v10/channels/${channel}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${fake.token}` },
      body: form,
    });
    expect(response.status).toBe(200);
    const [message] = fake.messages(channel);
    const [attachment] = (message?.attachments ?? []) as {
      id: string;
      url: string;
      filename: string;
      size: number;
    }[];
    expect(attachment).toMatchObject({ filename: 'a.yaml', size: 11 });
    expect(schemas.attachment.safeParse(attachment).success).toBe(true);
    expect(await (await fetch(attachment?.url ?? '')).text()).toBe('version: 1\n');
    expect(fake.attachmentText(attachment?.id ?? '')).toBe('version: 1\n');
    expect((await fetch(`${attachment?.url.replace(/\/\d+\/a\.yaml$/, '/1/a.yaml')}`)).status).toBe(404);
  });

  test('WHEN a user uploads a file THEN it has an id for an attachment option and its URL serves the bytes', async () => {
    // Resolving it in an interaction is covered end to end by test/e2e/history-transfer.test.ts.
    const { fake } = discord;
    const file = fake.upload({ filename: 'schedules.yaml', content: 'version: 1\n' });
    expect(file).toMatchObject({ filename: 'schedules.yaml', size: 11 });
    expect(file.url).toMatch(/\/attachments\/\d+\/\d+\/schedules\.yaml$/);
    expect(await (await fetch(file.url)).text()).toBe('version: 1\n');
  });
});
