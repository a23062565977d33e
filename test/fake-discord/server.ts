/**
 * The HTTP side: one server on 127.0.0.1 serving REST under /api/v10 and upgrading /gateway to
 * the websocket gateway. Each request is recorded, passed through injected faults and rate
 * limits, routed, checked against its schema, answered, and then waiters are woken.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ATTACHMENT_PATH, attachUploads, serveAttachment, type Upload, uploadsOf } from './attachments.js';
import { monotonicMs, realSetTimeout } from './clock.js';
import type { Core, RecordedRequest } from './core.js';
import type { Gateway } from './gateway.js';
import type { HandlerResult } from './messages.js';
import { matchRoute } from './rest.js';
import { invalidFormBody, validateBody } from './validate.js';

const PREFIX = /^\/api\/v\d+/;

const readBody = async (
  req: IncomingMessage,
): Promise<{ body: unknown; files: number; uploads?: Upload[]; error?: string }> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return { body: undefined, files: 0 };
  const type = req.headers['content-type'] ?? '';
  try {
    if (type.startsWith('multipart/form-data')) {
      // undici's Request parses multipart for us; discord.js sends the JSON as payload_json.
      const form = await new Request('http://fake.invalid/', {
        method: 'POST',
        headers: { 'content-type': type },
        body: raw,
      }).formData();
      const json = form.get('payload_json');
      const uploads = await uploadsOf(form);
      return {
        body: typeof json === 'string' ? JSON.parse(json) : undefined,
        files: uploads.length,
        uploads,
      };
    }
    return { body: JSON.parse(raw.toString('utf8')), files: 0 };
  } catch {
    return { body: raw.toString('utf8'), files: 0, error: 'The request body contains invalid JSON.' };
  }
};

const send = (res: ServerResponse, result: HandlerResult, headers: Record<string, string>) => {
  const hasBody = result.status !== 204 && result.body !== undefined;
  res.writeHead(result.status, { ...headers, ...(hasBody ? { 'content-type': 'application/json' } : {}) });
  res.end(hasBody ? JSON.stringify(result.body) : undefined);
};

export const createFakeServer = (core: Core, gateway: Gateway) => {
  let base = '';
  const gatewayUrl = () => `${base.replace(/^http/, 'ws')}/gateway`;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const arrived = monotonicMs();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = decodeURIComponent(url.pathname.replace(PREFIX, ''));
    if (method === 'GET' && ATTACHMENT_PATH.test(url.pathname)) {
      core.stats.downloads++;
      const file = serveAttachment(core, url.pathname);
      res.writeHead(file.status, file.headers);
      res.end(file.body);
      return;
    }
    const { body, files, uploads, error } = await readBody(req);
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
      ),
      time: Date.now(),
    };
    core.requests.push(record);
    core.stats.requests += 1;

    const answer = (result: HandlerResult, headers: Record<string, string> = {}) => {
      record.status = result.status;
      record.response = result.body;
      core.stats.byStatus[result.status] = (core.stats.byStatus[result.status] ?? 0) + 1;
      if (result.status === 429) core.stats.rateLimited += 1;
      if (result.violation) {
        core.violations.push({
          kind: result.violation.kind,
          method,
          path,
          ...(record.route ? { route: record.route } : {}),
          problems: result.violation.problems,
          body,
        });
      }
      send(res, result, headers);
      record.handledMs = monotonicMs() - arrived;
      core.notify();
    };

    const matched = PREFIX.test(url.pathname) ? matchRoute(method, path) : undefined;
    if (matched) record.route = `${method} ${matched.route.template}`;
    const { verdict, headers, delayMs, drop } = core.limiter.check({
      method,
      path,
      exemptFromGlobal: matched?.route.exemptFromGlobal === true,
    });
    if (delayMs) await new Promise((resolve) => realSetTimeout(resolve, delayMs));
    if (drop) {
      record.status = 0;
      req.socket.destroy();
      core.notify();
      return;
    }
    if (verdict) return answer(verdict, headers);
    if (!matched) {
      core.unexpected.push(record);
      return answer({ status: 404, body: { message: '404: Not Found', code: 0 } });
    }
    if (matched.route.auth) {
      const auth = record.headers.authorization ?? '';
      const token = auth.startsWith('Bot ') ? auth.slice(4) : '';
      if (!token || (core.options.token !== undefined && token !== core.options.token)) {
        return answer({ status: 401, body: { message: '401: Unauthorized', code: 0 } }, headers);
      }
    }
    if (error) return answer({ status: 400, body: { code: 50109, message: error } }, headers);
    if (matched.route.kind) {
      const problems = validateBody(matched.route.kind, body, files);
      if (problems.length) {
        matched.route.rejected?.(
          { core, params: matched.params, query: record.query, body, gatewayUrl: gatewayUrl() },
          400,
        );
        const empty = problems.every((p) => p.code === 'MESSAGE_EMPTY');
        return answer(
          {
            status: 400,
            body: empty
              ? { code: 50006, message: 'Cannot send an empty message' }
              : invalidFormBody(problems),
            violation: { kind: 'payload', problems },
          },
          headers,
        );
      }
    }
    const result = matched.route.handle({
      core,
      params: matched.params,
      query: record.query,
      body,
      gatewayUrl: gatewayUrl(),
    });
    if (uploads) {
      attachUploads(
        core,
        base,
        uploads,
        { template: matched.route.template, params: matched.params },
        result,
      );
    }
    return answer(result, headers);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      core.violations.push({
        kind: 'fake-error',
        method: req.method ?? '',
        path: req.url ?? '',
        problems: [
          {
            path: '',
            code: 'FAKE_CRASHED',
            message: err instanceof Error ? (err.stack ?? err.message) : String(err),
          },
        ],
        body: undefined,
      });
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `fake-discord crashed: ${String(err)}`, code: 0 }));
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/gateway')
      gateway.handleUpgrade(req, socket, head);
    else socket.destroy();
  });

  return {
    server,
    gatewayUrl,
    async listen(port = 0): Promise<string> {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return base;
    },
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
};
