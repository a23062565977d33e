/**
 * The console transport: reads lines from a prompt or a pipe, runs them through the same registry
 * as Discord, and prints replies as text. One line is handled at a time, in order, so a piped
 * script reads like a transcript; the session ends at end of input or on `exit`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { createInterface, type Interface } from 'node:readline';
import { ButtonStyle, PermissionsBitField } from 'discord.js';
import type { ChannelRef, CommandContext, RawOptions } from '../../commands/index.js';
import type { StatusProvider } from '../digest/index.js';
import { answerError, type ErrorLog, UserError } from '../errors.js';
import { type RateLimiter, slowDownMessage } from '../ratelimit.js';
import { invokeAutocomplete, invokeButton, invokeCommand, type Registry } from '../registry.js';
import type { Reply } from '../render/index.js';
import { makeAnsi, wantsAnsi } from './ansi.js';
import { findButton, isPressable, type Pressable, pressablesOf } from './buttons.js';
import { complete } from './complete.js';
import { CONSOLE_TIPS, commandHelp, commandList } from './help.js';
import { parseCommandLine } from './parse.js';
import { renderReply } from './render-text.js';
import { type Autocomplete, resolveAutocomplete } from './resolve.js';
import { closest } from './suggest.js';

/** What an interaction would tell about its origin; the console's own by default. */
type ConsoleFacts = Pick<CommandContext, 'guildId' | 'channelId' | 'userId' | 'memberPermissions' | 'locale'>;

/** The console's one guild: its schedules are the console's, never Discord's. */
export const CONSOLE_GUILD_ID = 'console';

export const CONSOLE_CHANNEL: ChannelRef = { id: 'briefings', name: 'briefings' };

/** The local operator runs the bot, so they are an administrator of the console guild. */
const consoleFacts = (locale: string): ConsoleFacts => ({
  guildId: CONSOLE_GUILD_ID,
  channelId: CONSOLE_CHANNEL.id,
  userId: 'console-user',
  memberPermissions: PermissionsBitField.All,
  locale,
});

/** The registry's entry points (src/registry.ts); tests may pass their own. */
interface ConsoleInvokers {
  command(registry: Registry, name: string, raw: RawOptions, ctx: CommandContext): Promise<Reply>;
  autocomplete: (registry: Registry, ...rest: Parameters<Autocomplete>) => ReturnType<Autocomplete>;
  button(registry: Registry, customId: string, ctx: CommandContext): Promise<Reply>;
}

export interface ConsoleOptions {
  registry: Registry;
  /** Adds the library snapshot, clock and services to the console's facts; called once per line. */
  makeContext: (facts: ConsoleFacts) => CommandContext;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Output is a terminal: style it, wrap it to its width. Default: `output.isTTY`. */
  isTTY?: boolean;
  /** Prompt with line editing, history and Tab completion. Default: input and output are terminals. */
  interactive?: boolean;
  /** For NO_COLOR and TERM. Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where unexpected errors are logged (the user sees an apology with the error id). */
  log?: ErrorLog;
  /** Interactive history survives restarts here (one line per entry). */
  historyFile?: string;
  /** Channels `#name` may refer to. Default: #briefings. */
  channels?: ChannelRef[];
  /** Roles `@Name` may refer to (role options). Default: none. */
  roles?: { id: string; name: string }[];
  /** Dates in replies; defaults are the system's (the reader's local time). */
  locale?: string;
  timeZone?: string;
  /** Overrides of the console's facts (guild, channel, user, permissions). */
  facts?: Partial<ConsoleFacts>;
  invoke?: ConsoleInvokers;
  /** Commands and button presses per user, as on Discord; none (the default): unlimited. */
  rateLimit?: RateLimiter;
  /** Ends the session (e.g. on SIGTERM) as end of input would. */
  signal?: AbortSignal;
  prompt?: string;
}

interface ConsoleResult {
  exitCode: number;
  /** Lines that ran a command or pressed a button. */
  commands: number;
  /** Of those, how many were answered with an error. */
  errors: number;
}

export interface ConsoleSession {
  /** Settles when input ends or the user leaves. */
  done: Promise<ConsoleResult>;
  /**
   * Shows a message "posted" to a console channel (a scheduled digest) between prompts, and
   * returns its message id.
   */
  post(channelId: string, reply: Reply, note?: string): string;
  readonly channels: readonly ChannelRef[];
  close(): void;
}

export function startConsole(options: ConsoleOptions): ConsoleSession {
  const env = options.env ?? process.env;
  const output = options.output;
  const isTTY = options.isTTY ?? (output as { isTTY?: boolean }).isTTY === true;
  const interactive = options.interactive ?? (isTTY && (options.input as { isTTY?: boolean }).isTTY === true);
  const ansi = makeAnsi(wantsAnsi(isTTY, env));
  const channels = options.channels ?? [CONSOLE_CHANNEL];
  const locale = options.locale ?? Intl.DateTimeFormat().resolvedOptions().locale;
  const facts: ConsoleFacts = { ...consoleFacts(locale), ...options.facts };
  const { registry } = options;
  const context = (): CommandContext => asOperator({ ...options.makeContext(facts), ...facts });
  const invoke = options.invoke ?? REGISTRY_INVOKERS;

  let buttons: Pressable[] = [];
  let hintShown = false;
  let posted = 0;
  const result: ConsoleResult = { exitCode: 0, commands: 0, errors: 0 };

  const rl: Interface = createInterface({
    input: options.input,
    ...(interactive ? { output } : {}),
    terminal: interactive,
    // A script saved on Windows ends lines with \r\n: one line, not two.
    crlfDelay: Number.POSITIVE_INFINITY,
    historySize: interactive ? HISTORY_SIZE : 0,
    ...(interactive && options.historyFile ? { history: readHistory(options.historyFile) } : {}),
    removeHistoryDuplicates: true,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(interactive
      ? {
          completer: (line: string, callback: (err: null | Error, result: [string[], string]) => void) => {
            complete(line, {
              commands: registry.commands,
              channels,
              buttons: buttons.map((b) => b.label),
              autocomplete: (...args) => invoke.autocomplete(registry, ...args),
              context,
            })
              .then((r) => callback(null, r))
              .catch(() => callback(null, [[], line]));
          },
        }
      : {}),
  });
  rl.setPrompt(options.prompt ?? (ansi.on ? ansi.bold('attaché› ') : 'attaché› '));

  const textOptions = (now: Date) => ({
    ansi,
    now,
    locale,
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
    ...(isTTY && columns() !== undefined ? { width: columns() } : {}),
    names: {
      users: { [facts.userId]: facts.userId },
      channels: Object.fromEntries(channels.map((c) => [c.id, c.name ?? c.id])),
    },
  });

  /** Read each time: the terminal may have been resized. */
  const columns = () => (output as NodeJS.WritableStream & { columns?: number }).columns;
  let outputClosed = false;
  const write = (text: string) => {
    if (!outputClosed) output.write(`${text}\n`);
  };
  // `npm run console < script | head` closes our output early: stop quietly, as `cat` would.
  output.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    outputClosed = true;
    rl.close();
  });

  const show = (reply: Reply, now: Date) => {
    const pressable = pressablesOf(reply);
    const hint = pressable.some((p) => isPressable(p.button)) && !hintShown;
    write(renderReply(reply, { ...textOptions(now), buttonHint: hint }));
    if (hint) hintShown = true;
    // Like a message in a channel, the newest reply with buttons is the one you can click.
    if (pressable.length > 0) buttons = pressable;
  };

  const fail = (error: unknown, where: Record<string, unknown>, now: Date) => {
    result.errors++;
    const { log } = options;
    const { reply, errorId } = answerError(error, {
      log,
      message: 'console command failed',
      context: { ...where, ...facts },
    });
    show(reply, now);
    // Without a log the fault would be lost: the operator at the console sees it instead.
    if (errorId && !log)
      write(ansi.dim(error instanceof Error ? (error.stack ?? error.message) : String(error)));
  };

  /** True when the user has gone past their rate: they are told so and nothing runs. */
  const limited = async (where: Record<string, unknown>, now: Date): Promise<boolean> => {
    const decision = await options.rateLimit?.take(facts.userId);
    if (!decision || decision.ok) return false;
    fail(new UserError(slowDownMessage(decision.retryAfterMs)), where, now);
    return true;
  };

  async function runCommand(line: string) {
    result.commands++;
    const ctx = context();
    let name: string | undefined;
    if (await limited({ line }, ctx.now())) return;
    try {
      const parsed = parseCommandLine(line, {
        commands: registry.commands,
        channels,
        userId: facts.userId,
        ...(options.roles ? { roles: options.roles } : {}),
      });
      name = parsed.name;
      const { raw, notes } = await resolveAutocomplete(parsed, ctx, (...args) =>
        invoke.autocomplete(registry, ...args),
      );
      for (const note of notes) write(ansi.dim(`→ ${note}`));
      show(await invoke.command(registry, parsed.name, raw, ctx), ctx.now());
    } catch (error) {
      fail(error, { command: name ?? line.split(/\s/)[0], line }, ctx.now());
    }
  }

  async function press(pressable: Pressable) {
    const { button } = pressable;
    const ctx = context();
    if (button.style === ButtonStyle.Link) {
      write(`${ansi.bold(pressable.label)}: ${ansi.underline(button.url)}`);
      return;
    }
    result.commands++;
    if (button.disabled || button.style === ButtonStyle.Premium) {
      fail(new UserError(`The “${pressable.label}” button is disabled.`), {}, ctx.now());
      return;
    }
    if (await limited({ customId: button.custom_id }, ctx.now())) return;
    try {
      show(await invoke.button(registry, button.custom_id, ctx), ctx.now());
    } catch (error) {
      fail(error, { customId: button.custom_id }, ctx.now());
    }
  }

  async function help(topic: string) {
    const ctx = context();
    const now = ctx.now();
    if (topic !== '') {
      const name = topic.replace(/^\//, '').toLowerCase();
      const command = registry.commands.get(name);
      if (command) show(commandHelp(name, command), now);
      else {
        const guess = closest(name, [...registry.commands.keys()]);
        const mean = guess ? ` Did you mean ${guess}?` : '';
        fail(new UserError(`There is no /${name} command.${mean} Type help for the list.`), {}, now);
      }
      return;
    }
    if (registry.commands.has('help')) await runCommand('/help');
    else show(commandList(registry.commands), now);
    show({ content: CONSOLE_TIPS }, now);
  }

  function hint(line: string) {
    const first = line.split(/\s+/)[0]?.toLowerCase() ?? '';
    const lines = registry.commands.has(first)
      ? [`Did you mean /${line}? Commands start with a slash.`]
      : ['Commands start with a slash, e.g. /brief. Type help for the list.'];
    const live = buttons.filter((b) => isPressable(b.button) || b.button.style === ButtonStyle.Link);
    if (live.length > 0) lines.push(`Buttons you can press: ${live.map((b) => b.label).join(', ')}.`);
    write(ansi.yellow(lines.join('\n')));
  }

  /** Returns false when the user asked to leave. */
  async function handle(rawLine: string): Promise<boolean> {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return true;
    if (!interactive) write(ansi.dim(`› ${line}`));
    if (/^\/?(exit|quit)$/i.test(line) && !registry.commands.has(line.replace(/^\//, '').toLowerCase())) {
      return false;
    }
    const helpTopic = /^(?:\/?help|\?)(?:\s+(.*))?$/i.exec(line);
    const ownHelpTakesOptions = (registry.commands.get('help')?.definition.options?.length ?? 0) > 0;
    if (helpTopic && !(line.startsWith('/') && ownHelpTakesOptions)) await help(helpTopic[1]?.trim() ?? '');
    else if (line.startsWith('/')) await runCommand(line);
    else {
      const found = findButton(buttons, line);
      if (found.length === 1 && found[0]) await press(found[0]);
      else if (found.length > 1) {
        write(ansi.yellow(`Which button? ${found.map((b) => b.label).join(', ')}. Type more of its label.`));
      } else hint(line);
    }
    write('');
    return true;
  }

  const done = (async (): Promise<ConsoleResult> => {
    if (interactive) {
      rl.on('SIGINT', () => {
        // As in a shell: Ctrl-C drops the line being typed; on an empty line it leaves.
        if (rl.line.length > 0) {
          rl.write(null, { ctrl: true, name: 'e' });
          rl.write(null, { ctrl: true, name: 'u' });
        } else rl.close();
      });
      write(ansi.dim('Attaché console: type help for commands, exit to leave.'));
      rl.prompt();
    }
    try {
      for await (const line of rl) {
        if (interactive && options.historyFile && line.trim() !== '') {
          await appendFile(options.historyFile, `${line}\n`).catch(() => undefined);
        }
        if (outputClosed) break;
        let goOn = true;
        try {
          goOn = await handle(line);
        } catch (error) {
          // Whatever failed outside a command (building its context, say), the session goes on.
          fail(error, { line }, new Date());
          write('');
        }
        if (!goOn) break;
        if (interactive) rl.prompt();
      }
    } catch (error) {
      // An abort via `signal` ends the session like end of input.
      if (!(error instanceof Error && error.name === 'AbortError')) throw error;
    } finally {
      rl.close();
    }
    if (interactive) output.write('\n');
    return result;
  })();

  return {
    done,
    channels,
    close: () => rl.close(),
    post(channelId, reply, note) {
      // A schedule stored before the channel list changed still shows, under its own id.
      const channel = channels.find((c) => c.id === channelId) ?? { id: channelId };
      const id = `console-${Date.now()}-${++posted}`;
      const header = ansi.cyan(`── #${channel.name ?? channel.id}${note ? ` · ${note}` : ''} ──`);
      if (interactive) output.write('\r\x1b[2K');
      write(header);
      show(reply, new Date());
      write('');
      if (interactive) rl.prompt(true);
      return id;
    },
  };
}

const HISTORY_SIZE = 1000;

/**
 * Whoever has the console runs the bot: /status and /schedule show them what they show in the
 * operator's server (data problems with their files, raw network errors).
 */
function asOperator(ctx: CommandContext): CommandContext {
  const status = ctx.services.status;
  if (!status) return ctx;
  const shard = status.shard?.bind(status);
  const operated: StatusProvider = {
    uptimeMs: () => status.uptimeMs(),
    data: () => status.data(),
    ...(shard ? { shard } : {}),
    operator: () => true,
  };
  return { ...ctx, services: { ...ctx.services, status: operated } };
}

/** Newest first, as readline keeps it; a file grown past twice the limit is cut back. */
function readHistory(file: string): string[] {
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
  } catch {
    return [];
  }
  const kept = lines.slice(-HISTORY_SIZE);
  if (lines.length > 2 * HISTORY_SIZE) {
    try {
      writeFileSync(file, `${kept.join('\n')}\n`);
    } catch {
      // History is a convenience; a read-only state folder only means it keeps growing.
    }
  }
  return kept.reverse();
}

const REGISTRY_INVOKERS: ConsoleInvokers = {
  command: invokeCommand,
  autocomplete: invokeAutocomplete,
  button: invokeButton,
};

/** Runs a console session to its end; see `startConsole` for one that can also show posts. */
export const runConsole = (options: ConsoleOptions): Promise<ConsoleResult> => startConsole(options).done;
