/**
 * The REST routes the fake answers, each with the body schema it checks. Anything else is a 404
 * recorded as unexpected, so a test notices a call the fake does not model.
 */
import { PermissionFlagsBits } from 'discord.js';
import type { Core, FakeMessage, StoredCommand } from './core.js';
import {
  applyEdit,
  channelAccess,
  channelMessage,
  createChannelMessage,
  discordError,
  type HandlerResult,
} from './messages.js';
import { followUp, interactionCallback, rejectedCallback, webhookMessage } from './responses.js';
import {
  channelJson,
  findChannel,
  type Guild,
  guildJson,
  memberJson,
  permissionsIn,
  roleJson,
  userJson,
} from './state.js';
import {
  activeThreads,
  archivedThreads,
  createMessageThread,
  createThread,
  crosspost,
  memberRole,
} from './threads.js';
import type { BodyKind } from './validate.js';

export interface RouteContext {
  core: Core;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  gatewayUrl: string;
}

export interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  /** The body schema to check; none for bodiless routes. */
  kind?: BodyKind;
  /** Bot-token routes need `Authorization: Bot …`; interaction routes do not. */
  auth: boolean;
  /** Interaction responses are not bound by the global rate limit. */
  exemptFromGlobal?: boolean;
  handle(ctx: RouteContext): HandlerResult;
  /** Called instead of `handle` when the body fails validation (Discord answered 400). */
  rejected?(ctx: RouteContext, status: number): void;
}

const compile = (template: string) =>
  new RegExp(`^${template.replace(/:(\w+)/g, (_, name: string) => `(?<${name}>[^/]+)`)}$`);

const route = (
  method: string,
  template: string,
  handle: Route['handle'],
  extra: Partial<Pick<Route, 'kind' | 'auth' | 'exemptFromGlobal' | 'rejected'>> = {},
): Route => ({ method, template, pattern: compile(template), auth: true, handle, ...extra });

const ok = (body: unknown): HandlerResult => ({ status: 200, body });
const p = (ctx: RouteContext, name: string) => ctx.params[name] ?? '';

const withGuild = (ctx: RouteContext, then: (guild: Guild) => HandlerResult): HandlerResult => {
  const guild = ctx.core.world.guilds.get(p(ctx, 'guild'));
  return guild ? then(guild) : discordError(404, 10004, 'Unknown Guild');
};

const commandList = (core: Core, guildId?: string): StoredCommand[] =>
  guildId ? (core.commands.guild.get(guildId) ?? []) : core.commands.global;

const storeCommand = (
  core: Core,
  body: unknown,
  guildId: string | undefined,
  previous?: StoredCommand,
): StoredCommand => {
  const json = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return {
    type: 1,
    description: '',
    options: [],
    default_member_permissions: null,
    nsfw: false,
    ...json,
    id: previous?.id ?? core.world.nextId(),
    application_id: core.world.application.id,
    ...(guildId ? { guild_id: guildId } : {}),
    version: core.world.nextId(),
  };
};

/** Bulk overwrite keeps the ids of commands that keep their name, as Discord does. */
const putCommands = (ctx: RouteContext, guildId?: string): HandlerResult => {
  const previous = commandList(ctx.core, guildId);
  const list = (Array.isArray(ctx.body) ? ctx.body : []).map((c: unknown) => {
    const name = typeof c === 'object' && c !== null ? Reflect.get(c, 'name') : undefined;
    return storeCommand(
      ctx.core,
      c,
      guildId,
      previous.find((old) => old.name === name),
    );
  });
  if (guildId) ctx.core.commands.guild.set(guildId, list);
  else ctx.core.commands.global = list;
  return ok(list);
};

const postCommand = (ctx: RouteContext, guildId?: string): HandlerResult => {
  const list = commandList(ctx.core, guildId);
  const name = typeof ctx.body === 'object' && ctx.body !== null ? Reflect.get(ctx.body, 'name') : undefined;
  const existing = list.find((c) => c.name === name);
  const command = storeCommand(ctx.core, ctx.body, guildId, existing);
  const next = [...list.filter((c) => c !== existing), command];
  if (guildId) ctx.core.commands.guild.set(guildId, next);
  else ctx.core.commands.global = next;
  return { status: existing ? 200 : 201, body: command };
};

const oneCommand = (ctx: RouteContext, method: string, guildId?: string): HandlerResult => {
  const list = commandList(ctx.core, guildId);
  const command = list.find((c) => c.id === p(ctx, 'command'));
  if (!command) return discordError(404, 10063, 'Unknown application command');
  if (method === 'GET') return ok(command);
  const next =
    method === 'DELETE'
      ? list.filter((c) => c !== command)
      : list.map((c) =>
          c === command
            ? storeCommand(ctx.core, { ...command, ...(ctx.body as object) }, guildId, command)
            : c,
        );
  if (guildId) ctx.core.commands.guild.set(guildId, next);
  else ctx.core.commands.global = next;
  return method === 'DELETE' ? { status: 204 } : ok(next.find((c) => c.id === command.id));
};

/**
 * Newest first, like Discord, with before/after/around as snowflake bounds. Without Read Message
 * History Discord answers an empty list rather than an error.
 */
const listMessages = (ctx: RouteContext): HandlerResult => {
  const channelId = p(ctx, 'channel');
  const refused = channelAccess(ctx.core, channelId, undefined);
  if (refused) return refused;
  const channel = findChannel(ctx.core.world, channelId);
  const perms = channel ? permissionsIn(ctx.core.world, channel, ctx.core.world.bot.id) : 0n;
  if (!(perms & PermissionFlagsBits.ReadMessageHistory)) return ok([]);
  const limit = Math.max(1, Math.min(Number(ctx.query.limit ?? 50) || 50, 100));
  const id = (m: FakeMessage) => BigInt(m.id);
  const newestFirst = [...(ctx.core.channelMessages.get(channelId) ?? [])].sort((a, b) =>
    id(a) < id(b) ? 1 : -1,
  );
  const { before, after, around } = ctx.query;
  if (before) return ok(newestFirst.filter((m) => id(m) < BigInt(before)).slice(0, limit));
  if (after) return ok(newestFirst.filter((m) => id(m) > BigInt(after)).slice(-limit));
  if (around) {
    const older = newestFirst.filter((m) => id(m) <= BigInt(around)).slice(0, Math.ceil(limit / 2));
    const newer = newestFirst.filter((m) => id(m) > BigInt(around)).slice(-Math.floor(limit / 2));
    return ok([...newer, ...older]);
  }
  return ok(newestFirst.slice(0, limit));
};

const appGuard = (ctx: RouteContext, then: () => HandlerResult): HandlerResult =>
  p(ctx, 'app') === ctx.core.world.application.id ? then() : discordError(404, 10002, 'Unknown Application');

/** Forum posts, message threads, crossposts and member roles (handlers in threads.ts). */
const threadAndRoleRoutes = (): Route[] => [
  route('POST', '/channels/:channel/threads', (ctx) => createThread(ctx.core, p(ctx, 'channel'), ctx.body), {
    kind: 'thread-create',
  }),
  route(
    'POST',
    '/channels/:channel/messages/:message/threads',
    (ctx) => createMessageThread(ctx.core, p(ctx, 'channel'), p(ctx, 'message'), ctx.body),
    { kind: 'message-thread' },
  ),
  route('POST', '/channels/:channel/messages/:message/crosspost', (ctx) =>
    crosspost(ctx.core, p(ctx, 'channel'), p(ctx, 'message')),
  ),
  route('GET', '/guilds/:guild/threads/active', (ctx) =>
    withGuild(ctx, (guild) => activeThreads(ctx.core, guild)),
  ),
  route('GET', '/channels/:channel/threads/archived/public', (ctx) =>
    archivedThreads(ctx.core, p(ctx, 'channel'), ctx.query),
  ),
  route('GET', '/guilds/:guild/roles/:role', (ctx) =>
    withGuild(ctx, (guild) => {
      const role = guild.roles.get(p(ctx, 'role'));
      return role ? ok(roleJson(role)) : discordError(404, 10011, 'Unknown Role');
    }),
  ),
  ...(['PUT', 'DELETE'] as const).map((method) =>
    route(method, '/guilds/:guild/members/:user/roles/:role', (ctx) =>
      withGuild(ctx, (guild) =>
        memberRole(ctx.core, guild, p(ctx, 'user'), p(ctx, 'role'), method === 'PUT'),
      ),
    ),
  ),
];

export const routes: Route[] = [
  ...threadAndRoleRoutes(),
  route('GET', '/gateway', (ctx) => ok({ url: ctx.gatewayUrl }), { auth: false }),
  route('GET', '/gateway/bot', (ctx) =>
    ok({
      url: ctx.gatewayUrl,
      shards: ctx.core.options.shards,
      session_start_limit: {
        total: 1000,
        remaining: 999,
        reset_after: 86_400_000,
        max_concurrency: ctx.core.options.maxConcurrency,
      },
    }),
  ),
  route('GET', '/users/@me', (ctx) => ok(userJson(ctx.core.world.bot))),
  route('GET', '/users/:user', (ctx) => {
    const user = ctx.core.world.users.get(p(ctx, 'user'));
    return user ? ok(userJson(user)) : discordError(404, 10013, 'Unknown User');
  }),
  route('GET', '/applications/@me', (ctx) =>
    ok({
      id: ctx.core.world.application.id,
      name: ctx.core.world.application.name,
      description: '',
      icon: null,
      bot_public: true,
      bot_require_code_grant: false,
      verify_key: '0'.repeat(64),
      flags: 0,
      bot: userJson(ctx.core.world.bot),
      owner: userJson(ctx.core.world.bot),
      team: null,
    }),
  ),
  route('GET', '/channels/:channel', (ctx) => {
    const channel = findChannel(ctx.core.world, p(ctx, 'channel'));
    if (!channel) return discordError(404, 10003, 'Unknown Channel');
    return channelAccess(ctx.core, channel.id, undefined) ?? ok(channelJson(channel));
  }),
  route('GET', '/channels/:channel/messages', (ctx) => listMessages(ctx)),
  route(
    'POST',
    '/channels/:channel/messages',
    (ctx) => createChannelMessage(ctx.core, p(ctx, 'channel'), ctx.body),
    {
      kind: 'message-create',
    },
  ),
  route('GET', '/channels/:channel/messages/:message', (ctx) => {
    const refused = channelAccess(ctx.core, p(ctx, 'channel'), undefined);
    if (refused) return refused;
    const message = channelMessage(ctx.core, p(ctx, 'channel'), p(ctx, 'message'));
    return message ? ok(message) : discordError(404, 10008, 'Unknown Message');
  }),
  route(
    'PATCH',
    '/channels/:channel/messages/:message',
    (ctx) => {
      const refused = channelAccess(ctx.core, p(ctx, 'channel'), undefined);
      if (refused) return refused;
      const message = channelMessage(ctx.core, p(ctx, 'channel'), p(ctx, 'message'));
      if (!message) return discordError(404, 10008, 'Unknown Message');
      return ok(applyEdit(ctx.core, message, (ctx.body ?? {}) as Record<string, unknown>));
    },
    { kind: 'message-edit' },
  ),
  route('DELETE', '/channels/:channel/messages/:message', (ctx) => {
    const refused = channelAccess(ctx.core, p(ctx, 'channel'), undefined);
    if (refused) return refused;
    const message = channelMessage(ctx.core, p(ctx, 'channel'), p(ctx, 'message'));
    if (!message) return discordError(404, 10008, 'Unknown Message');
    ctx.core.messageIndex.delete(message.id);
    const list = ctx.core.channelMessages.get(message.channel_id) ?? [];
    ctx.core.channelMessages.set(
      message.channel_id,
      list.filter((m) => m !== message),
    );
    return { status: 204 };
  }),
  route('GET', '/guilds/:guild', (ctx) => withGuild(ctx, (guild) => ok(guildJson(guild)))),
  route('GET', '/guilds/:guild/channels', (ctx) =>
    withGuild(ctx, (guild) => ok([...guild.channels.values()].filter((c) => !c.thread).map(channelJson))),
  ),
  route('GET', '/guilds/:guild/roles', (ctx) =>
    withGuild(ctx, (guild) => ok([...guild.roles.values()].map(roleJson))),
  ),
  route('GET', '/guilds/:guild/members/:user', (ctx) => {
    const guild = ctx.core.world.guilds.get(p(ctx, 'guild'));
    if (!guild) return discordError(404, 10004, 'Unknown Guild');
    const member = guild.members.get(p(ctx, 'user'));
    return member
      ? ok(memberJson(ctx.core.world, guild, member))
      : discordError(404, 10007, 'Unknown Member');
  }),
  route(
    'POST',
    '/interactions/:id/:token/callback',
    (ctx) =>
      interactionCallback(
        ctx.core,
        p(ctx, 'id'),
        p(ctx, 'token'),
        ctx.body,
        ctx.query.with_response === 'true',
      ),
    {
      kind: 'interaction-callback',
      auth: false,
      exemptFromGlobal: true,
      rejected: (ctx, status) => rejectedCallback(ctx.core, p(ctx, 'id'), p(ctx, 'token'), ctx.body, status),
    },
  ),
  route(
    'POST',
    '/webhooks/:app/:token',
    (ctx) => followUp(ctx.core, { app: p(ctx, 'app'), token: p(ctx, 'token') }, ctx.body),
    {
      kind: 'webhook-execute',
      auth: false,
      exemptFromGlobal: true,
    },
  ),
  ...(['GET', 'PATCH', 'DELETE'] as const).map((method) =>
    route(
      method,
      '/webhooks/:app/:token/messages/:message',
      (ctx) =>
        webhookMessage(
          ctx.core,
          method,
          { app: p(ctx, 'app'), token: p(ctx, 'token'), message: p(ctx, 'message') },
          ctx.body,
        ),
      {
        auth: false,
        exemptFromGlobal: true,
        ...(method === 'PATCH' ? { kind: 'webhook-edit' as const } : {}),
      },
    ),
  ),
  route('GET', '/applications/:app/commands', (ctx) => appGuard(ctx, () => ok(ctx.core.commands.global))),
  route('PUT', '/applications/:app/commands', (ctx) => appGuard(ctx, () => putCommands(ctx)), {
    kind: 'commands-bulk',
  }),
  route('POST', '/applications/:app/commands', (ctx) => appGuard(ctx, () => postCommand(ctx)), {
    kind: 'command-create',
  }),
  route('GET', '/applications/:app/guilds/:guild/commands', (ctx) =>
    appGuard(ctx, () => ok(commandList(ctx.core, p(ctx, 'guild')))),
  ),
  route(
    'PUT',
    '/applications/:app/guilds/:guild/commands',
    (ctx) => appGuard(ctx, () => putCommands(ctx, p(ctx, 'guild'))),
    {
      kind: 'commands-bulk',
    },
  ),
  route(
    'POST',
    '/applications/:app/guilds/:guild/commands',
    (ctx) => appGuard(ctx, () => postCommand(ctx, p(ctx, 'guild'))),
    {
      kind: 'command-create',
    },
  ),
  ...(['GET', 'PATCH', 'DELETE'] as const).flatMap((method) => [
    route(
      method,
      '/applications/:app/commands/:command',
      (ctx) => appGuard(ctx, () => oneCommand(ctx, method)),
      {
        ...(method === 'PATCH' ? { kind: 'command-patch' as const } : {}),
      },
    ),
    route(
      method,
      '/applications/:app/guilds/:guild/commands/:command',
      (ctx) => appGuard(ctx, () => oneCommand(ctx, method, p(ctx, 'guild'))),
      { ...(method === 'PATCH' ? { kind: 'command-patch' as const } : {}) },
    ),
  ]),
];

export const matchRoute = (
  method: string,
  path: string,
): { route: Route; params: Record<string, string> } | undefined => {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (match) return { route: candidate, params: { ...match.groups } };
  }
  return undefined;
};
