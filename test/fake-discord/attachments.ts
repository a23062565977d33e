/**
 * Attachments, as far as a bot meets them: files a bot sends with a message (multipart, the JSON
 * in `payload_json` and each file as `files[n]`) become the message's `attachments`, and files a
 * user uploads (`fake.upload`) can be given to an attachment option (type 11), resolved in
 * `data.resolved.attachments` as Discord does. Both are served back from the fake's own "CDN"
 * (`GET /attachments/:channel/:id/:filename`, outside /api, no token, as Discord's CDN), so a bot
 * downloads what it was given and a test reads what the bot sent. Every attachment object handed
 * out is checked against discord-api-spec's AttachmentResponseSchema.
 */
import type { Core, FakeMessage } from './core.js';
import type { HandlerResult } from './messages.js';
import { schemas } from './spec.js';

export interface StoredAttachment {
  id: string;
  channelId: string;
  filename: string;
  contentType: string;
  content: Buffer;
  url: string;
}

/** A file part of a multipart body, in order. */
export interface Upload {
  filename: string;
  contentType: string;
  content: Buffer;
}

const stores = new WeakMap<Core, Map<string, StoredAttachment>>();
const storeOf = (core: Core): Map<string, StoredAttachment> => {
  let store = stores.get(core);
  if (!store) {
    store = new Map();
    stores.set(core, store);
  }
  return store;
};

export const ATTACHMENT_PATH = /^\/attachments\/(\d+)\/(\d+)\/([^/]+)$/;

/** The JSON Discord gives for an attachment (on a message, or resolved for an option). */
export function attachmentJson(core: Core, a: StoredAttachment) {
  const json = {
    id: a.id,
    filename: a.filename,
    size: a.content.length,
    url: a.url,
    proxy_url: a.url,
    content_type: a.contentType,
  };
  const checked = schemas.attachment.safeParse(json);
  if (!checked.success) {
    core.violations.push({
      kind: 'fake-error',
      method: 'ATTACHMENT',
      path: a.url,
      problems: checked.error.issues.map((i) => ({
        path: i.path.map(String).join('.'),
        code: 'FAKE_ATTACHMENT',
        message: i.message,
      })),
      body: json,
    });
  }
  return json;
}

/** Keeps a file and gives it an id and a URL on the fake's CDN. */
export function storeAttachment(
  core: Core,
  base: string,
  channelId: string,
  file: { filename: string; content: Buffer | string; contentType?: string },
): StoredAttachment {
  const id = core.world.nextId();
  const filename = file.filename.replace(/[^\w.-]/g, '_') || 'file';
  const stored: StoredAttachment = {
    id,
    channelId,
    filename,
    contentType: file.contentType ?? 'text/plain; charset=utf-8',
    content: typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content,
    url: `${base}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`,
  };
  storeOf(core).set(id, stored);
  return stored;
}

export const findAttachment = (core: Core, id: string): StoredAttachment | undefined => storeOf(core).get(id);

/** The file parts of a multipart form, in order (`files[0]`, `files[1]`…). */
export async function uploadsOf(form: FormData): Promise<Upload[]> {
  const uploads: Upload[] = [];
  for (const value of form.values()) {
    if (typeof value === 'string') continue;
    uploads.push({
      filename: value.name,
      contentType: value.type || 'application/octet-stream',
      content: Buffer.from(await value.arrayBuffer()),
    });
  }
  return uploads;
}

/**
 * After a message-creating or editing route answered: the message it made or changed (a channel
 * post, a follow-up, @original, the reply of a callback) gets the uploaded files as attachments.
 */
export function attachUploads(
  core: Core,
  base: string,
  uploads: readonly Upload[],
  route: { template: string; params: Record<string, string> },
  result: HandlerResult,
): void {
  if (uploads.length === 0 || result.status >= 300) return;
  const message = messageOf(core, route, result);
  if (!message) return;
  message.attachments = uploads.map((u) =>
    attachmentJson(core, storeAttachment(core, base, message.channel_id, u)),
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function messageOf(
  core: Core,
  route: { template: string; params: Record<string, string> },
  result: HandlerResult,
): FakeMessage | undefined {
  if (route.template.endsWith('/callback')) {
    const id = route.params.interaction ?? route.params.id ?? '';
    return core.interactions.get(id)?.original;
  }
  const body = result.body;
  const id = isObject(body) && typeof body.id === 'string' ? body.id : undefined;
  return id ? core.messageIndex.get(id) : undefined;
}

/** The CDN: the file's bytes, or 404 as Discord's CDN answers for an unknown one. */
export function serveAttachment(
  core: Core,
  pathname: string,
): { status: number; headers: Record<string, string>; body: Buffer } {
  const match = ATTACHMENT_PATH.exec(pathname);
  const stored = match ? findAttachment(core, match[2] ?? '') : undefined;
  if (!match || !stored || stored.channelId !== match[1]) {
    return { status: 404, headers: { 'content-type': 'text/plain' }, body: Buffer.from('Not Found') };
  }
  return {
    status: 200,
    headers: { 'content-type': stored.contentType, 'content-length': String(stored.content.length) },
    body: stored.content,
  };
}
