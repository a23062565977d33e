/**
 * The gateway on 127.0.0.1 (same port as REST, path /gateway): HELLO, IDENTIFY -> READY + one
 * GUILD_CREATE per guild of the shard, heartbeat ACKs, RESUME with replay, and dispatches routed
 * to the shard that holds the guild. Text JSON frames only; discord.js accepts them even when it
 * asked for compression.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { guildCreateJson, userJson, type World } from './state.js';

export interface GatewayOptions {
  heartbeatIntervalMs?: number;
  /** Events kept per session for RESUME. */
  replayBuffer?: number;
}

export interface Session {
  id: string;
  shard: [number, number];
  intents: number;
  seq: number;
  socket: WebSocket | undefined;
  /** Sent frames kept for RESUME replay. */
  sent: { s: number; frame: string }[];
}

/** The intent Discord requires before it sends an event (0 = always sent). */
const requiredIntent = (event: string): number => {
  if (event === 'GUILD_CREATE') return 0;
  if (event.startsWith('MESSAGE_')) return 1 << 9;
  if (/^(GUILD_|CHANNEL_|THREAD_)/.test(event)) return 1;
  return 0;
};

const shardOf = (guildId: string, shardCount: number) =>
  Number((BigInt(guildId) >> 22n) % BigInt(shardCount));

export const createGateway = (world: World, options: GatewayOptions & { url: () => string }) => {
  const wss = new WebSocketServer({ noServer: true });
  const sessions = new Map<string, Session>();
  const listeners = new Set<(event: string, session: Session) => void>();
  const heartbeat = options.heartbeatIntervalMs ?? 41_250;
  const keep = options.replayBuffer ?? 500;

  const send = (socket: WebSocket | undefined, payload: object) => {
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  };

  const dispatchTo = (session: Session, event: string, data: unknown) => {
    const intent = requiredIntent(event);
    if (intent && !(session.intents & intent)) return;
    session.seq += 1;
    const frame = JSON.stringify({ op: 0, t: event, s: session.seq, d: data });
    session.sent.push({ s: session.seq, frame });
    if (session.sent.length > keep) session.sent.shift();
    if (session.socket && session.socket.readyState === session.socket.OPEN) session.socket.send(frame);
    for (const listener of listeners) listener(event, session);
  };

  const identify = (socket: WebSocket, d: Record<string, unknown>) => {
    const shardField = d.shard;
    const shard: [number, number] =
      Array.isArray(shardField) && typeof shardField[0] === 'number' && typeof shardField[1] === 'number'
        ? [shardField[0], shardField[1]]
        : [0, 1];
    const session: Session = {
      id: world.nextId(),
      shard,
      intents: typeof d.intents === 'number' ? d.intents : 0,
      seq: 0,
      socket,
      sent: [],
    };
    sessions.set(session.id, session);
    socketSession.set(socket, session);
    const guilds = [...world.guilds.values()].filter((g) => shardOf(g.id, shard[1]) === shard[0]);
    dispatchTo(session, 'READY', {
      v: 10,
      user: userJson(world.bot),
      guilds: guilds.map((g) => ({ id: g.id, unavailable: true })),
      session_id: session.id,
      resume_gateway_url: options.url(),
      shard,
      application: { id: world.application.id, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      user_settings: {},
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
    });
    for (const guild of guilds) dispatchTo(session, 'GUILD_CREATE', guildCreateJson(world, guild));
  };

  const resume = (socket: WebSocket, d: Record<string, unknown>) => {
    const session = typeof d.session_id === 'string' ? sessions.get(d.session_id) : undefined;
    if (!session) {
      send(socket, { op: 9, d: false, s: null, t: null });
      return;
    }
    session.socket = socket;
    socketSession.set(socket, session);
    const after = typeof d.seq === 'number' ? d.seq : 0;
    for (const { s, frame } of session.sent) if (s > after) socket.send(frame);
    dispatchTo(session, 'RESUMED', {});
  };

  const socketSession = new WeakMap<WebSocket, Session>();

  wss.on('connection', (socket: WebSocket) => {
    send(socket, { op: 10, d: { heartbeat_interval: heartbeat }, s: null, t: null });
    socket.on('message', (raw) => {
      let payload: { op?: unknown; d?: unknown };
      try {
        payload = JSON.parse(String(raw));
      } catch {
        socket.close(4002, 'Decode error');
        return;
      }
      const d =
        typeof payload.d === 'object' && payload.d !== null ? (payload.d as Record<string, unknown>) : {};
      if (payload.op === 1) send(socket, { op: 11, d: null, s: null, t: null });
      else if (payload.op === 2) identify(socket, d);
      else if (payload.op === 6) resume(socket, d);
    });
    socket.on('close', (code) => {
      const session = socketSession.get(socket);
      if (!session || session.socket !== socket) return;
      session.socket = undefined;
      // A client that closes normally (destroy) ends its session; other closes may resume.
      if (code === 1000 || code === 1001) sessions.delete(session.id);
    });
    socket.on('error', () => socket.terminate());
  });

  return {
    sessions,
    onDispatch(listener: (event: string, session: Session) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    /**
     * Send an event to every live session; guild events only to the shard holding the guild, and
     * with `sessionId` only to that session (of two instances identified as one shard, as Discord
     * would send each its own copy, a test may want one to receive it).
     */
    dispatch(event: string, data: unknown, guildId?: string, sessionId?: string): number {
      let delivered = 0;
      for (const session of sessions.values()) {
        if (sessionId !== undefined && session.id !== sessionId) continue;
        if (guildId && shardOf(guildId, session.shard[1]) !== session.shard[0]) continue;
        dispatchTo(session, event, data);
        delivered += 1;
      }
      return delivered;
    },
    /**
     * Drop every connection as a gateway restart would (close code 4000 is resumable), so the
     * client reconnects and RESUMEs; `resumable: false` also forgets the sessions (op 9 on RESUME).
     */
    disconnectAll(opts: { code?: number; resumable?: boolean } = {}) {
      for (const session of sessions.values())
        session.socket?.close(opts.code ?? 4000, 'fake gateway restart');
      if (opts.resumable === false) sessions.clear();
    },
    close(): Promise<void> {
      for (const client of wss.clients) client.terminate();
      sessions.clear();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
};

export type Gateway = ReturnType<typeof createGateway>;
