/**
 * A Discord-faithful fake for tests and benchmarks: REST and gateway on 127.0.0.1, driven by a
 * real discord.js Client. Nothing here reaches the network.
 *
 * Start, connect, stop:
 *   const fake = await startFakeDiscord({ requireSafeMentions: true });
 *   const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.restUrl } });
 *   await client.login(fake.token);            // or: const client = await loginClient(fake)  (client.ts)
 *   ...
 *   await client.destroy(); await fake.close();
 *
 * World (default: one guild with #general and #briefings, roles "Attaché" (the bot: View Channel,
 * Send Messages, Embed Links) and "Admin" (Manage Server), users "member" and "admin"):
 *   fake.guildId, fake.channelId('general'), fake.roleId('Admin'), fake.userId('admin'), fake.bot, fake.application
 *   fake.addGuild(seed) · fake.addChannel({ name, overwrites }, guildId?)      -> CHANNEL_CREATE
 *   fake.removeChannel(id)                                                     -> CHANNEL_DELETE; then 10003
 *   fake.setOverwrites(channelId, [{ id: 'bot' | '@everyone' | role/user name or id, allow?, deny? }]) -> CHANNEL_UPDATE
 *   fake.setRolePermissions(roleRef, bits, guildId?)                           -> GUILD_ROLE_UPDATE
 *   fake.addMember({ user, roles }, guildId?) · fake.permissionsOf(channelId, userId = bot)
 *   fake.addChannel({ name, type: GuildForum, tags, requireTag }) · fake.threads(parentId)
 *   fake.archiveThread(id) -> THREAD_UPDATE · fake.removeRole(ref) -> GUILD_ROLE_DELETE · fake.memberRoles(userId)
 *
 * REST (paths `/api/v10/...`): gateway/bot, users, applications/@me, channels, channel messages
 * (POST/GET/PATCH/DELETE; 50001/50013 from roles + overwrites, 10003 after removal, enforce_nonce
 * returns the original within `nonceWindowMs`), guilds, roles, members, interaction callbacks
 * (types 4-9; one per interaction, within `responseWindowMs`), interaction webhooks (follow-ups,
 * GET/PATCH/DELETE of @original and follow-ups, token valid 15 min), application commands (global
 * and guild: PUT bulk, POST, GET, PATCH, DELETE; ids kept across re-registration), forum posts and
 * threads (POST channels/:id/threads, messages/:id/threads; active and archived lists; 40067 for a
 * missing required tag, 160004 for a second thread), crossposts (40033 the second time), member
 * roles (PUT/DELETE; Manage Roles and a role below the bot's highest, else 50013). Anything else:
 * 404 and `fake.unexpected`.
 *
 * Validation: every body is checked against `discord-api-spec/zod` for its route plus Discord's
 * unwritten rules (rules.ts: embeds <= 6000 chars together, content <= 2000, <= 5 rows of <= 5
 * buttons, unique custom ids, <= 25 autocomplete choices, command definitions). A failure answers
 * 400 like Discord and lands in `fake.violations`; so do protocol faults (late, double or
 * mistyped callbacks) and, with `requireSafeMentions`, any message body without
 * `allowed_mentions: { parse: [] }`. In vitest: `useFakeDiscord()` / `expectClean(fake)` (vitest.ts).
 * A test that expects a violation takes it with `fake.takeViolations()`.
 *
 * Recording: fake.requests (method, path, query, body, headers, time, status, response, route),
 * fake.messages(channelId, { includeInteractions? }), fake.callbacks(), fake.interactions(),
 * fake.commands(guildId?), fake.stats { requests, rateLimited, byStatus },
 * fake.waitFor(fake => value | falsy, timeoutMs) resolves with the first truthy value.
 *
 * Rate limits and faults: `rateLimits: { global: 50, routes: DISCORD_ROUTE_LIMITS }` (interaction
 * responses exempt from the global limit; 429 with retry-after, X-RateLimit-Global/Scope and a
 * Discord body; buckets send X-RateLimit-*), `fake.inject({ method?, path: string | RegExp,
 * status?, code?, times?, retryAfter?, global?, delayMs?, drop? })`: an error answer, a slow answer
 * (with no status the request still takes effect, as when Discord acts on a request the client
 * timed out on), or a dropped connection. Every 429 counts in `fake.stats.rateLimited`.
 *
 * Interactions: `const i = await fake.interact({ type: 'command' | 'autocomplete' | 'button' |
 * 'select', name, subcommand?, options?, focused?, customId?, message?, user?, memberPermissions?,
 * guildId?, channelId? })` dispatches INTERACTION_CREATE and resolves at the first callback:
 * `i.callback` ({ type, data }), `i.accepted`, `i.latencyMs` (dispatch -> callback), `i.reply`
 * (the response message as it is now), `await i.waitForEdit()`, `await i.waitForFollowup()`,
 * `await i.waitForReply()` (a deferral resolved). Option types come from the definition the bot
 * registered (checked like Discord's client does: unknown or missing required options throw;
 * `strictOptions: false` sends anything); without one they are inferred from the JS values.
 * `user` defaults to "member" and `memberPermissions` to that member's permissions in the channel.
 * Buttons find the latest message carrying their custom id unless `message` is given.
 *
 * Time: `responseWindowMs` (3 s) runs on real monotonic time, so vitest fake timers cannot break
 * it; `now` (default Date.now) drives timestamps, the nonce window and the 15-minute token, so a
 * test can move it. waitFor and rate-limit windows use real timers too.
 *
 * Gateway: `fake.sessions()` live sessions, `fake.sessionShards()` the shard each identified as,
 * `fake.liveSessions()` their ids with it (`interact({ session })` reaches only that one, e.g. one
 * of two processes identified as the same shard, which Discord would both send the event),
 * `fake.restartGateway({ resumable? })` drops every connection (the client RESUMEs and missed
 * events are replayed), `fake.dispatch(event, data, guildId?)` for anything else. Several shards: `shards: n` in /gateway/bot; each guild's events
 * go to the shard that holds it (`maxConcurrency` default 16 so shards identify at once). Events
 * respect intents (CHANNEL_* need Guilds, MESSAGE_* need GuildMessages). Destroy clients before
 * `fake.close()`, or they will try to reconnect to a closed port.
 *
 * Attachments (attachments.ts): files a bot sends become the message's `attachments`, served at
 * their `url` (`fake.attachmentText(id)`); `fake.upload({ filename, content })` gives an id for an
 * attachment option, resolved in the interaction as Discord does.
 *
 * Not modelled: DMs, threads, modal submits, select menus beyond the custom id and values,
 * message reactions, and routes not listed above (they land in
 * `fake.unexpected`).
 */
import { ChannelType } from 'discord.js';
import { attachmentJson, findAttachment, storeAttachment } from './attachments.js';
import { createSnowflakes, monotonicMs } from './clock.js';
import type {
  CallbackBody,
  Core,
  FakeMessage,
  InteractionRecord,
  RecordedRequest,
  StoredCommand,
  Violation,
} from './core.js';
import { createGateway } from './gateway.js';
import { createInteraction, type InteractOptions } from './interactions.js';
import { toBits } from './permissions.js';
import { createLimiter, type Injection, type InjectionHandle, type RateLimitOptions } from './ratelimit.js';
import { createFakeServer } from './server.js';
import {
  addChannel,
  addGuild,
  addMember,
  type Bits,
  type Channel,
  type ChannelSeed,
  channelJson,
  defaultGuildSeed,
  findChannel,
  type GuildSeed,
  guildCreateJson,
  type MemberSeed,
  type OverwriteSeed,
  permissionsIn,
  resolveOverwrite,
  roleJson,
  type User,
  type World,
} from './state.js';
import { seedPost } from './threads.js';
import { createWaiting, describeRecent, type InteractionHandle, interactionHandle } from './waiting.js';

export type {
  CallbackBody,
  FakeMessage,
  InteractionRecord,
  RecordedRequest,
  StoredCommand,
  Violation,
} from './core.js';
export type { InteractOptions } from './interactions.js';
export { DISCORD_ROUTE_LIMITS, type Injection, type RateLimitOptions, type RouteLimit } from './ratelimit.js';
export { embedLength } from './rules.js';
export type {
  Channel,
  ChannelSeed,
  GuildSeed,
  MemberSeed,
  OverwriteSeed,
  RoleSeed,
  UserSeed,
} from './state.js';
export { CROSSPOSTED } from './threads.js';
export type { InteractionHandle } from './waiting.js';

export interface FakeDiscordOptions {
  /** Default: one guild (see the top of this file). */
  guilds?: GuildSeed[];
  application?: { id?: string; name?: string };
  bot?: { id?: string; username?: string };
  /** When set, bot routes accept only this token (others get 401). */
  token?: string;
  rateLimits?: RateLimitOptions;
  /** How long a nonce with enforce_nonce is remembered per channel; default 2 minutes. */
  nonceWindowMs?: number;
  /** Time allowed for the first interaction response (real time); default 3000. */
  responseWindowMs?: number;
  /** Interaction token lifetime for edits and follow-ups; default 15 minutes. */
  tokenTtlMs?: number;
  /** Record every message body without `allowed_mentions: { parse: [] }` as a violation. */
  requireSafeMentions?: boolean;
  /** Recommended shard count answered by /gateway/bot; default 1. */
  shards?: number;
  /**
   * session_start_limit.max_concurrency. Discord gives small bots 1, which makes discord.js wait
   * 5 s between shards' IDENTIFYs; the default 16 keeps multi-shard tests fast.
   */
  maxConcurrency?: number;
  heartbeatIntervalMs?: number;
  /** Wall clock for timestamps, snowflakes, nonce window and token lifetime; default Date.now. */
  now?: () => number;
  port?: number;
}

export interface FakeDiscord {
  /** For `new Client({ rest: { api: fake.restUrl } })`. */
  readonly restUrl: string;
  readonly gatewayUrl: string;
  /** A bot token the fake accepts. */
  readonly token: string;
  readonly application: { id: string; name: string };
  readonly bot: User;
  /** The first guild. */
  readonly guildId: string;
  channelId(name: string, guildId?: string): string;
  roleId(name: string, guildId?: string): string;
  userId(username: string): string;

  readonly requests: RecordedRequest[];
  readonly violations: Violation[];
  readonly unexpected: RecordedRequest[];
  readonly stats: Core['stats'];
  /** Returns the violations so far and clears them (for tests that expect some). */
  takeViolations(): Violation[];
  /** Channel posts, oldest first; interaction replies too with `includeInteractions`. */
  messages(channelId: string, opts?: { includeInteractions?: boolean }): FakeMessage[];
  /** Every interaction callback received, in order. */
  callbacks(): { interactionId: string; body: CallbackBody; accepted: boolean; status: number; at: number }[];
  interactions(): InteractionRecord[];
  commands(guildId?: string): StoredCommand[];
  waitFor<T>(predicate: (fake: FakeDiscord) => T | undefined | null | false, timeoutMs?: number): Promise<T>;

  /**
   * `session`: dispatched to that live session only (an id from `liveSessions()`), instead of every
   * session of the guild's shard.
   */
  interact(opts: InteractOptions & { timeoutMs?: number; session?: string }): Promise<InteractionHandle>;
  dispatch(event: string, data: unknown, guildId?: string): number;
  sessions(): number;
  /** The `[shard_id, num_shards]` each live session identified with, in the order they connected. */
  sessionShards(): [number, number][];
  /** The live sessions' ids and the `[shard_id, num_shards]` each identified with, in the order they connected. */
  liveSessions(): { id: string; shard: [number, number] }[];
  restartGateway(opts?: { code?: number; resumable?: boolean }): void;

  addGuild(seed: GuildSeed): string;
  addChannel(seed: ChannelSeed, guildId?: string): string;
  removeChannel(channelId: string): void;
  setOverwrites(channelId: string, overwrites: OverwriteSeed[]): void;
  setRolePermissions(role: string, permissions: Bits, guildId?: string): void;
  addMember(seed: MemberSeed, guildId?: string): string;
  permissionsOf(channelId: string, userId?: string): bigint;
  /** Threads (forum posts included) whose parent is the channel, oldest first. */
  threads(parentId: string): Channel[];
  /** Archives (or reopens) a thread, as Discord does after its auto-archive duration. */
  archiveThread(threadId: string, archived?: boolean): void;
  /** A forum post by a member (by username or id), made outside the API; its id. */
  seedPost(forumId: string, name: string, member: string): string;
  /** Deletes a role (GUILD_ROLE_DELETE); members lose it. */
  removeRole(role: string, guildId?: string): void;
  /** The role ids a member holds. */
  memberRoles(userId: string, guildId?: string): string[];

  /**
   * A file a user uploads (into the guild's first text channel unless given): pass its `id` to an
   * attachment option, `options: { file: attachment.id }`. Served at its `url` like Discord's CDN.
   */
  upload(
    file: { filename: string; content: string | Buffer; contentType?: string },
    channelId?: string,
  ): {
    id: string;
    url: string;
    filename: string;
    size: number;
  };
  /** The content of an attachment the fake holds (one a bot sent, or one uploaded), as text. */
  attachmentText(id: string): string | undefined;
  inject(rule: Injection): InjectionHandle;
  clearInjections(): void;
  /** Forget requests, violations, messages and interactions; keep the world and commands. */
  reset(): void;
  close(): Promise<void>;
}

export const startFakeDiscord = async (options: FakeDiscordOptions = {}): Promise<FakeDiscord> => {
  const now = options.now ?? Date.now;
  const nextId = createSnowflakes(now);
  const botUser: User = {
    id: options.bot?.id ?? nextId(),
    username: options.bot?.username ?? 'Attaché',
    globalName: null,
    bot: true,
  };
  const world: World = {
    application: { id: options.application?.id ?? botUser.id, name: options.application?.name ?? 'Attaché' },
    bot: botUser,
    users: new Map([[botUser.id, botUser]]),
    guilds: new Map(),
    deletedChannels: new Set(),
    nextId,
    now,
  };
  for (const seed of options.guilds ?? [defaultGuildSeed()]) addGuild(world, seed);

  let gatewayUrl = '';
  const gateway = createGateway(world, {
    url: () => gatewayUrl,
    ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
  });
  const core: Core = {
    world,
    gateway,
    limiter: createLimiter(options.rateLimits),
    requests: [],
    violations: [],
    unexpected: [],
    stats: { requests: 0, rateLimited: 0, byStatus: {}, downloads: 0 },
    messageIndex: new Map(),
    channelMessages: new Map(),
    nonces: new Map(),
    interactions: new Map(),
    interactionsByToken: new Map(),
    commands: { global: [], guild: new Map() },
    options: {
      ...(options.token ? { token: options.token } : {}),
      nonceWindowMs: options.nonceWindowMs ?? 120_000,
      responseWindowMs: options.responseWindowMs ?? 3000,
      tokenTtlMs: options.tokenTtlMs ?? 15 * 60_000,
      requireSafeMentions: options.requireSafeMentions ?? false,
      shards: options.shards ?? 1,
      maxConcurrency: options.maxConcurrency ?? 16,
    },
    notify: () => notify(),
  };
  gateway.onDispatch(() => core.notify());
  const http = createFakeServer(core, gateway);
  const base = await http.listen(options.port);
  gatewayUrl = http.gatewayUrl();

  const guildOrThrow = (guildId?: string) => {
    const guild = guildId ? world.guilds.get(guildId) : [...world.guilds.values()][0];
    if (!guild) throw new Error(`fake-discord: no guild ${guildId ?? ''}`);
    return guild;
  };
  const channelOrThrow = (channelId: string) => {
    const channel = findChannel(world, channelId);
    if (!channel) throw new Error(`fake-discord: no channel ${channelId}`);
    return channel;
  };

  const { waitFor, notify } = createWaiting(core, () => fake);
  const handleFor = (record: InteractionRecord) => interactionHandle(record, waitFor);

  const fake: FakeDiscord = {
    restUrl: `${base}/api`,
    gatewayUrl,
    token: options.token ?? 'fake-discord-token',
    application: world.application,
    bot: botUser,
    get guildId() {
      return guildOrThrow().id;
    },
    channelId(name, guildId) {
      const channel = [...guildOrThrow(guildId).channels.values()].find((c) => c.name === name);
      if (!channel) throw new Error(`fake-discord: no channel #${name}`);
      return channel.id;
    },
    roleId(name, guildId) {
      const role = [...guildOrThrow(guildId).roles.values()].find((r) => r.name === name);
      if (!role) throw new Error(`fake-discord: no role ${name}`);
      return role.id;
    },
    userId(username) {
      const user = [...world.users.values()].find((u) => u.username === username);
      if (!user) throw new Error(`fake-discord: no user ${username}`);
      return user.id;
    },

    requests: core.requests,
    violations: core.violations,
    unexpected: core.unexpected,
    stats: core.stats,
    takeViolations: () => core.violations.splice(0),
    messages: (channelId, opts = {}) =>
      (core.channelMessages.get(channelId) ?? []).filter((m) => opts.includeInteractions || !m.webhook_id),
    callbacks: () =>
      [...core.interactions.values()]
        .flatMap((r) => r.callbacks.map((c) => ({ interactionId: r.id, ...c })))
        .sort((a, b) => Number(BigInt(a.interactionId) - BigInt(b.interactionId))),
    interactions: () => [...core.interactions.values()],
    commands: (guildId) => (guildId ? (core.commands.guild.get(guildId) ?? []) : core.commands.global),
    waitFor,

    async interact(opts) {
      const record = createInteraction(core, opts);
      if (gateway.dispatch('INTERACTION_CREATE', record.payload, record.guildId, opts.session) === 0) {
        core.interactions.delete(record.id);
        core.interactionsByToken.delete(record.token);
        throw new Error(
          opts.session === undefined
            ? 'fake-discord: no gateway session to receive the interaction; log a client in first'
            : `fake-discord: session ${opts.session} is not live, or not of the shard holding guild ${record.guildId}`,
        );
      }
      record.dispatchedAt = monotonicMs();
      const timeout = opts.timeoutMs ?? core.options.responseWindowMs + 1000;
      await waitFor(() => record.callbacks.length > 0, timeout).catch(() => {
        throw new Error(
          `fake-discord: no callback for ${opts.type} ${opts.name ?? opts.customId ?? ''} within ${timeout} ms; last requests:\n${describeRecent(core)}`,
        );
      });
      return handleFor(record);
    },
    dispatch: (event, data, guildId) => gateway.dispatch(event, data, guildId),
    sessions: () => [...gateway.sessions.values()].filter((s) => s.socket).length,
    sessionShards: () => [...gateway.sessions.values()].filter((s) => s.socket).map((s) => s.shard),
    liveSessions: () =>
      [...gateway.sessions.values()].filter((s) => s.socket).map((s) => ({ id: s.id, shard: s.shard })),
    restartGateway: (opts) => gateway.disconnectAll(opts),

    addGuild(seed) {
      const guild = addGuild(world, seed);
      gateway.dispatch('GUILD_CREATE', guildCreateJson(world, guild), guild.id);
      return guild.id;
    },
    addChannel(seed, guildId) {
      const channel = addChannel(world, guildOrThrow(guildId), seed);
      gateway.dispatch('CHANNEL_CREATE', channelJson(channel), channel.guildId);
      return channel.id;
    },
    removeChannel(channelId) {
      const channel = channelOrThrow(channelId);
      world.guilds.get(channel.guildId)?.channels.delete(channelId);
      world.deletedChannels.add(channelId);
      gateway.dispatch('CHANNEL_DELETE', channelJson(channel), channel.guildId);
    },
    setOverwrites(channelId, overwrites) {
      const channel = channelOrThrow(channelId);
      const guild = guildOrThrow(channel.guildId);
      channel.overwrites = overwrites.map((o) => resolveOverwrite(world, guild, o));
      gateway.dispatch('CHANNEL_UPDATE', channelJson(channel), channel.guildId);
    },
    setRolePermissions(roleRef, permissions, guildId) {
      const guild = guildOrThrow(guildId);
      const role = guild.roles.get(roleRef) ?? [...guild.roles.values()].find((r) => r.name === roleRef);
      if (!role) throw new Error(`fake-discord: no role ${roleRef}`);
      role.permissions = toBits(permissions);
      gateway.dispatch('GUILD_ROLE_UPDATE', { guild_id: guild.id, role: roleJson(role) }, guild.id);
    },
    addMember(seed, guildId) {
      return addMember(world, guildOrThrow(guildId), seed).userId;
    },
    permissionsOf: (channelId, userId = botUser.id) =>
      permissionsIn(world, channelOrThrow(channelId), userId),
    threads: (parentId) =>
      [...guildOrThrow(channelOrThrow(parentId).guildId).channels.values()]
        .filter((c) => c.thread && c.parentId === parentId)
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)),
    seedPost(forumId, name, member) {
      const forum = channelOrThrow(forumId);
      if (forum.type !== ChannelType.GuildForum) throw new Error(`fake-discord: ${forumId} is no forum`);
      const guild = guildOrThrow(forum.guildId);
      const ownerId = guild.members.has(member)
        ? member
        : [...guild.members.keys()].find((id) => world.users.get(id)?.username === member);
      if (!ownerId) throw new Error(`fake-discord: no member ${member}`);
      return seedPost(core, forum, name, ownerId);
    },
    archiveThread(threadId, archived = true) {
      const thread = channelOrThrow(threadId);
      if (!thread.thread) throw new Error(`fake-discord: ${threadId} is no thread`);
      thread.thread.archived = archived;
      thread.thread.archivedAt = new Date(world.now()).toISOString();
      gateway.dispatch('THREAD_UPDATE', channelJson(thread), thread.guildId);
    },
    removeRole(roleRef, guildId) {
      const guild = guildOrThrow(guildId);
      const role = guild.roles.get(roleRef) ?? [...guild.roles.values()].find((r) => r.name === roleRef);
      if (!role) throw new Error(`fake-discord: no role ${roleRef}`);
      guild.roles.delete(role.id);
      for (const member of guild.members.values()) member.roles = member.roles.filter((id) => id !== role.id);
      gateway.dispatch('GUILD_ROLE_DELETE', { guild_id: guild.id, role_id: role.id }, guild.id);
    },
    memberRoles: (userId, guildId) => [...(guildOrThrow(guildId).members.get(userId)?.roles ?? [])],

    upload(file, channelId) {
      const channel = channelId ?? [...guildOrThrow().channels.values()].find((c) => c.type === 0)?.id ?? '0';
      const stored = storeAttachment(core, base, channel, file);
      const json = attachmentJson(core, stored);
      return { id: json.id, url: json.url, filename: json.filename, size: json.size };
    },
    attachmentText: (id) => findAttachment(core, id)?.content.toString('utf8'),
    inject: (rule) => core.limiter.inject(rule),
    clearInjections: () => core.limiter.clearInjections(),
    reset() {
      core.requests.length = 0;
      core.violations.length = 0;
      core.unexpected.length = 0;
      core.stats.requests = 0;
      core.stats.rateLimited = 0;
      core.stats.byStatus = {};
      core.stats.downloads = 0;
      core.messageIndex.clear();
      core.channelMessages.clear();
      core.nonces.clear();
      core.interactions.clear();
      core.interactionsByToken.clear();
      core.limiter.clearInjections();
    },
    async close() {
      await gateway.close();
      await http.close();
    },
  };

  return fake;
};
