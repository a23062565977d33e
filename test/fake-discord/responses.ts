/**
 * Interaction responses as Discord enforces them: one callback per interaction within the response
 * window (3 s), callback types that fit the interaction, then edits of @original and follow-ups
 * with the token for 15 minutes. A deferred reply's first follow-up fills the loading message.
 */

import { monotonicMs } from './clock.js';
import type { CallbackBody, Core, FakeMessage, InteractionRecord } from './core.js';
import { storeMessage } from './core.js';
import { applyEdit, buildMessage, discordError, type HandlerResult, mentionProblems } from './messages.js';
import { userJson } from './state.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const EPHEMERAL = 64;
const LOADING = 128;

const ALLOWED_CALLBACKS: Record<InteractionRecord['kind'], number[]> = {
  command: [4, 5, 9],
  autocomplete: [8],
  button: [4, 5, 6, 7, 9],
  select: [4, 5, 6, 7, 9],
};

const INTERACTION_TYPE = { command: 2, button: 3, select: 3, autocomplete: 4 } as const;

const protocolError = (result: HandlerResult, message: string): HandlerResult => ({
  ...result,
  violation: { kind: 'interaction', problems: [{ path: '', code: 'INTERACTION_PROTOCOL', message }] },
});

const replyMessage = (core: Core, record: InteractionRecord, data: Json, flags: number): FakeMessage => {
  const member = isObject(record.payload.member) ? record.payload.member : {};
  const invoker = isObject(member.user) ? member.user : record.payload.user;
  return buildMessage(core, record.channelId, data, {
    flags,
    type: record.kind === 'command' ? 20 : 19,
    webhook_id: core.world.application.id,
    application_id: core.world.application.id,
    interaction_metadata: {
      id: record.id,
      type: INTERACTION_TYPE[record.kind],
      user: (invoker ?? userJson(core.world.bot)) as ReturnType<typeof userJson>,
      authorizing_integration_owners: { '0': record.guildId },
    },
  });
};

export const interactionCallback = (
  core: Core,
  id: string,
  token: string,
  body: unknown,
  withResponse: boolean,
): HandlerResult => {
  const record = core.interactions.get(id);
  if (!record || record.token !== token) {
    return protocolError(
      discordError(404, 10062, 'Unknown interaction'),
      `No interaction ${id} with this token`,
    );
  }
  const callback = (isObject(body) ? body : {}) as unknown as CallbackBody;
  const answer = (result: HandlerResult): HandlerResult => {
    record.callbacks.push({
      body: callback,
      accepted: result.status < 300,
      status: result.status,
      at: monotonicMs(),
    });
    core.notify();
    return result;
  };
  if (record.acknowledged) {
    return answer(
      protocolError(
        discordError(400, 40060, 'Interaction has already been acknowledged.'),
        `Second callback (type ${callback.type}) for interaction ${id}`,
      ),
    );
  }
  const elapsed = monotonicMs() - record.dispatchedAt;
  if (elapsed > core.options.responseWindowMs) {
    return answer(
      protocolError(
        discordError(404, 10062, 'Unknown interaction'),
        `Callback came ${Math.round(elapsed)} ms after the interaction; Discord allows ${core.options.responseWindowMs} ms`,
      ),
    );
  }
  if (!ALLOWED_CALLBACKS[record.kind].includes(callback.type)) {
    return answer(
      protocolError(
        discordError(400, 50035, 'Invalid Form Body'),
        `Callback type ${callback.type} is not valid for a ${record.kind} interaction`,
      ),
    );
  }
  record.acknowledged = true;
  const data: Json = isObject(callback.data) ? (callback.data as Json) : {};
  const flags = typeof data.flags === 'number' ? data.flags : 0;
  let message: FakeMessage | undefined;
  if (callback.type === 4 || callback.type === 5) {
    message = replyMessage(
      core,
      record,
      callback.type === 4 ? data : {},
      callback.type === 5 ? (flags & EPHEMERAL) | LOADING : flags,
    );
    record.original = message;
    storeMessage(core, message, (message.flags & EPHEMERAL) !== 0);
  } else if ((callback.type === 6 || callback.type === 7) && record.target) {
    record.original = record.target;
    message = callback.type === 7 ? applyEdit(core, record.target, data) : record.target;
  }
  const problems = callback.type === 4 || callback.type === 7 ? mentionProblems(core, data, 'data') : [];
  const response = withResponse
    ? {
        status: 200,
        body: {
          interaction: {
            id: record.id,
            type: INTERACTION_TYPE[record.kind],
            ...(message
              ? {
                  response_message_id: message.id,
                  response_message_loading: (message.flags & LOADING) !== 0,
                  response_message_ephemeral: (message.flags & EPHEMERAL) !== 0,
                }
              : {}),
          },
          resource: { type: callback.type, ...(message ? { message } : {}) },
        },
      }
    : { status: 204 };
  return answer({ ...response, ...(problems.length ? { violation: { kind: 'mentions', problems } } : {}) });
};

/** A callback whose body Discord refused still shows up in the interaction's history. */
export const rejectedCallback = (core: Core, id: string, token: string, body: unknown, status: number) => {
  const record = core.interactions.get(id);
  if (!record || record.token !== token) return;
  record.callbacks.push({
    body: (isObject(body) ? body : {}) as unknown as CallbackBody,
    accepted: false,
    status,
    at: monotonicMs(),
  });
};

/** The interaction behind an interaction webhook (application id + token), or Discord's error. */
const byToken = (core: Core, appId: string, token: string): InteractionRecord | HandlerResult => {
  const record = core.interactionsByToken.get(token);
  if (!record || appId !== core.world.application.id) return discordError(404, 10015, 'Unknown Webhook');
  if (core.world.now() - record.createdAt > core.options.tokenTtlMs) {
    return protocolError(
      discordError(401, 50027, 'Invalid Webhook Token'),
      'Interaction token used after 15 minutes',
    );
  }
  return record;
};

const isRecord = (v: InteractionRecord | HandlerResult): v is InteractionRecord => 'token' in v;

const findWebhookMessage = (record: InteractionRecord, messageId: string): FakeMessage | undefined =>
  messageId === '@original'
    ? record.original
    : [record.original, ...record.followups].find((m) => m?.id === messageId);

export const webhookMessage = (
  core: Core,
  method: 'GET' | 'PATCH' | 'DELETE',
  params: { app: string; token: string; message: string },
  body: unknown,
): HandlerResult => {
  const record = byToken(core, params.app, params.token);
  if (!isRecord(record)) return record;
  const message = findWebhookMessage(record, params.message);
  if (!message) return discordError(404, 10008, 'Unknown Message');
  if (method === 'GET') return { status: 200, body: message };
  if (method === 'DELETE') {
    // A deleted deferral is gone: the next follow-up is a message of its own, with its own flags.
    if (message === record.original) record.original = undefined;
    core.messageIndex.delete(message.id);
    const list = core.channelMessages.get(message.channel_id);
    if (list)
      core.channelMessages.set(
        message.channel_id,
        list.filter((m) => m !== message),
      );
    return { status: 204 };
  }
  const edit = isObject(body) ? body : {};
  applyEdit(core, message, edit);
  message.flags &= ~LOADING;
  record.edits.push(body);
  const problems = mentionProblems(core, edit);
  return {
    status: 200,
    body: message,
    ...(problems.length ? { violation: { kind: 'mentions', problems } } : {}),
  };
};

export const followUp = (
  core: Core,
  params: { app: string; token: string },
  body: unknown,
): HandlerResult => {
  const record = byToken(core, params.app, params.token);
  if (!isRecord(record)) return record;
  if (!record.acknowledged) return discordError(404, 10015, 'Unknown Webhook');
  const json = isObject(body) ? body : {};
  const problems = mentionProblems(core, json);
  const violation = problems.length ? { violation: { kind: 'mentions' as const, problems } } : {};
  if (record.original && record.original.flags & LOADING) {
    // Discord turns the first follow-up after a deferral into the deferred reply itself.
    const message = applyEdit(core, record.original, json);
    message.flags &= ~LOADING;
    record.followups.push(message);
    return { status: 200, body: message, ...violation };
  }
  const flags = typeof json.flags === 'number' ? json.flags : 0;
  const message = replyMessage(core, record, json, flags);
  storeMessage(core, message, (flags & EPHEMERAL) !== 0);
  record.followups.push(message);
  return { status: 200, body: message, ...violation };
};
