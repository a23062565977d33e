/**
 * The shared record of everything the fake saw and holds: requests, violations, messages,
 * interactions and registered commands. REST handlers and the public API read and write it.
 */
import type {
  APIApplicationCommandOptionChoice,
  APIEmbed,
  APIInteractionResponseCallbackData,
  APIMessageTopLevelComponent,
} from 'discord.js';
import type { Gateway } from './gateway.js';
import type { Limiter } from './ratelimit.js';
import type { Problem } from './rules.js';
import type { userJson, World } from './state.js';

export interface RecordedRequest {
  method: string;
  /** Decoded API path without `/api/v10`, e.g. `/webhooks/1/tok/messages/@original`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON, or `payload_json` of a multipart body. */
  body: unknown;
  headers: Record<string, string>;
  /** Wall-clock ms (Date.now) when it arrived. */
  time: number;
  /** The answer's status; 0 when an injected fault dropped the connection. */
  status?: number;
  response?: unknown;
  /** Time the fake spent on it, from the first byte to the answer (monotonic ms). */
  handledMs?: number;
  /** The route template matched, e.g. `POST /channels/:channel/messages`. */
  route?: string;
}

/**
 * payload: the body broke Discord's schema or rules (answered 400); interaction: the response
 * protocol was broken (late, twice, wrong type); mentions: a body without `parse: []` under
 * `requireSafeMentions`; fake-error: the fake itself failed (a bug to fix here).
 */
export type ViolationKind = 'payload' | 'interaction' | 'mentions' | 'fake-error';

export interface Violation {
  kind: ViolationKind;
  method: string;
  path: string;
  route?: string;
  problems: Problem[];
  body: unknown;
}

export interface FakeMessage {
  id: string;
  channel_id: string;
  guild_id?: string;
  author: ReturnType<typeof userJson>;
  content: string;
  embeds: APIEmbed[];
  components: APIMessageTopLevelComponent[];
  flags: number;
  nonce?: string | number;
  timestamp: string;
  edited_timestamp: string | null;
  type: number;
  tts: boolean;
  mention_everyone: boolean;
  mentions: unknown[];
  mention_roles: string[];
  attachments: unknown[];
  pinned: boolean;
  webhook_id?: string;
  application_id?: string;
  interaction_metadata?: {
    id: string;
    type: number;
    user: ReturnType<typeof userJson>;
    authorizing_integration_owners: Record<string, string>;
  };
}

export type CallbackData = APIInteractionResponseCallbackData & {
  choices?: APIApplicationCommandOptionChoice[];
};

export interface CallbackBody {
  type: number;
  data?: CallbackData;
}

export type InteractionKind = 'command' | 'autocomplete' | 'button' | 'select';

export interface InteractionRecord {
  id: string;
  token: string;
  kind: InteractionKind;
  /** The INTERACTION_CREATE `d` that was dispatched. */
  payload: Record<string, unknown>;
  channelId: string;
  guildId: string;
  /** Monotonic ms when INTERACTION_CREATE went out (for latency: callback `at` minus this). */
  dispatchedAt: number;
  /** Wall-clock ms, for the 15-minute token lifetime. */
  createdAt: number;
  /** Every callback attempt, accepted or not. */
  callbacks: { body: CallbackBody; accepted: boolean; status: number; at: number }[];
  acknowledged: boolean;
  /** The message an edit of @original changes: the reply, or the clicked message after type 6/7. */
  original?: FakeMessage;
  edits: unknown[];
  followups: FakeMessage[];
  /** For component interactions: the message holding the component. */
  target?: FakeMessage;
}

export interface StoredCommand {
  id: string;
  application_id: string;
  guild_id?: string;
  version: string;
  [key: string]: unknown;
}

export interface Core {
  world: World;
  gateway: Gateway;
  limiter: Limiter;
  requests: RecordedRequest[];
  violations: Violation[];
  unexpected: RecordedRequest[];
  /** `downloads`: attachments fetched from the CDN (not API requests). */
  stats: { requests: number; rateLimited: number; byStatus: Record<number, number>; downloads: number };
  /** Every message by id (channel posts and interaction messages). */
  messageIndex: Map<string, FakeMessage>;
  /** Non-ephemeral messages per channel, oldest first. */
  channelMessages: Map<string, FakeMessage[]>;
  /** nonce key -> message id and time, for enforce_nonce. */
  nonces: Map<string, { messageId: string; at: number }>;
  interactions: Map<string, InteractionRecord>;
  interactionsByToken: Map<string, InteractionRecord>;
  commands: { global: StoredCommand[]; guild: Map<string, StoredCommand[]> };
  options: {
    token?: string;
    nonceWindowMs: number;
    responseWindowMs: number;
    tokenTtlMs: number;
    requireSafeMentions: boolean;
    shards: number;
    maxConcurrency: number;
  };
  /** Wake every waitFor; called after each request and dispatch. */
  notify(): void;
}

export const storeMessage = (core: Core, message: FakeMessage, ephemeral: boolean) => {
  core.messageIndex.set(message.id, message);
  if (ephemeral) return;
  const list = core.channelMessages.get(message.channel_id) ?? [];
  list.push(message);
  core.channelMessages.set(message.channel_id, list);
};
