import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, test, vi } from 'vitest';
import type { CommandContext } from '../../commands/index.js';
import { type ConsoleOptions, runConsole, startConsole } from '../../src/console/index.js';
import type { StatusProvider } from '../../src/digest/index.js';
import { fakeRegistry, makeContext } from './fake-commands.js';

function sink() {
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { output, text: () => text };
}

const base = (output: PassThrough): Omit<ConsoleOptions, 'input'> => ({
  registry: fakeRegistry(),
  makeContext: makeContext(),
  output,
  isTTY: false,
  env: {},
  locale: 'en-GB',
  timeZone: 'UTC',
});

async function pipe(script: string, extra: Partial<ConsoleOptions> = {}) {
  const { output, text } = sink();
  const result = await runConsole({ ...base(output), input: Readable.from([script]), ...extra });
  return { result, text: text() };
}

/** The answers in order: what follows each echoed `› line`. */
const answers = (text: string) =>
  text
    .split(/^› .*$/m)
    .slice(1)
    .map((a) => a.trim());

describe('GIVEN a script piped to the console', () => {
  test('WHEN it runs two commands THEN both answers print, in order, and the session ends at end of input', async () => {
    const { result, text } = await pipe('/theme security\n/quote\n');
    expect(result).toEqual({ exitCode: 0, commands: 2, errors: 0 });
    const [theme, quote] = answers(text);
    expect(theme).toContain('Theme security-defence, page 1');
    expect(quote).toContain('Quote number 1.');
    expect(text).toMatch(/^› \/theme security$/m);
    expect(text).not.toContain('\x1b');
  });

  test('WHEN the last line has no newline THEN it still runs', async () => {
    const { result, text } = await pipe('/quote');
    expect(result.commands).toBe(1);
    expect(text).toContain('Quote number 1.');
  });

  test('WHEN a value is not an exact id THEN autocomplete resolves it and the console says so', async () => {
    const { text } = await pipe('/theme security\n/theme security-defence\n');
    const [resolved, exact] = answers(text);
    expect(resolved).toMatch(/^→ theme: "security" → security-defence \(Security & defence\)$/m);
    expect(exact).not.toContain('→');
    expect(exact).toContain('Theme security-defence, page 1');
  });

  test('WHEN several suggestions match THEN the best is used and the others named', async () => {
    const { text } = await pipe('/theme dialogue\n/theme s\n');
    expect(answers(text)[0]).toContain('→ theme: "dialogue" → political-dialogue');
    expect(answers(text)[1]).toMatch(
      /→ theme: "s" → security-defence .*; also matching: strategic-communication$/m,
    );
  });

  test('WHEN a value with spaces is split across two options THEN it is read back as one', async () => {
    const { text } = await pipe('/theme security & defence\n/theme security b-1\n');
    const [joined, separate] = answers(text);
    expect(joined).toContain('→ read "security & defence" as one theme (no briefing matches "& defence")');
    expect(joined).toContain('→ theme: "security & defence" → security-defence (Security & defence)');
    expect(joined).toContain('Theme security-defence, page 1');
    expect(separate).not.toContain('read');
  });

  test('WHEN nothing matches THEN the value goes to the command as typed and its error is shown', async () => {
    const { result, text } = await pipe('/theme zzz\n');
    expect(text).toContain('There is no theme zzz. Pick one from the list.');
    expect(result.errors).toBe(1);
  });

  test('WHEN the script has Windows line endings THEN each line runs once', async () => {
    const { result, text } = await pipe('/quote\r\n\r\n/quote\r\n');
    expect(result.commands).toBe(2);
    expect(text).not.toContain('\r');
  });

  test('WHEN the reader of the output goes away THEN the session ends quietly', async () => {
    const output = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const input = Readable.from(['/quote\n'.repeat(50)]);
    const result = await runConsole({ ...base(new PassThrough()), output, input });
    expect(result.exitCode).toBe(0);
  });

  test('WHEN blank lines and # comments appear THEN they are skipped silently', async () => {
    const { result, text } = await pipe('\n# a comment\n   \n/quote\n');
    expect(result.commands).toBe(1);
    expect(text.match(/^› /gm)).toHaveLength(1);
  });

  test('WHEN exit is typed THEN the rest of the input is not run', async () => {
    const { result, text } = await pipe('/quote\nexit\n/quote\n');
    expect(result.commands).toBe(1);
    expect(text).not.toContain('Quote number 2');
  });

  test('WHEN a subcommand names the console channel THEN the command gets the console context and channel', async () => {
    const { text } = await pipe('/schedule add channel:#briefings when:"daily 08:00"\n');
    expect(text).toContain('guild=console user=console-user');
    expect(text).toContain('"channel":{"id":"briefings","name":"briefings"}');
    expect(text).toContain('"when":"daily 08:00"');
  });
});

describe('GIVEN a reply with buttons', () => {
  test('WHEN a label is typed in any case THEN that button is pressed', async () => {
    const { result, text } = await pipe('/theme security\nnext\nNEXT ▶\n');
    const [, second, third] = answers(text);
    expect(second).toContain('Theme security-defence, page 2');
    expect(third).toContain('Theme security-defence, page 3');
    expect(result.commands).toBe(3);
  });

  test.each([
    ['the start of its label', 'another q'],
    ['the start of each word', 'ANO QUO'],
  ])('WHEN %s is typed THEN that button is pressed', async (_c, typed) => {
    const { text } = await pipe(`/quote\n${typed}\n`);
    expect(answers(text)[1]).toContain('Quote number 2.');
  });

  test('WHEN what is typed begins two labels THEN the console asks which', async () => {
    const { result, text } = await pipe('/quote\nanother\n');
    expect(answers(text)[1]).toBe('Which button? Another quote, Another theme. Type more of its label.');
    expect(result.commands).toBe(1);
  });

  test('WHEN a disabled button is typed THEN it is refused', async () => {
    const { text } = await pipe('/theme security\nprev\n');
    expect(answers(text)[1]).toContain('The “◀ Prev” button is disabled.');
  });

  test('WHEN a newer reply brings other buttons THEN those are the ones pressed', async () => {
    const { text } = await pipe('/theme security\n/quote\nanother quote\nnext\n');
    const all = answers(text);
    expect(all[2]).toContain('Quote number 2.');
    expect(all[3]).toContain('Commands start with a slash');
    expect(all[3]).toContain('Buttons you can press: Another quote, Another theme, Source.');
  });

  test('WHEN a link button is typed THEN its URL is printed', async () => {
    const { text } = await pipe('/quote\nsource\n');
    expect(answers(text)[1]).toBe('Source: https://example.org/a');
  });

  test('WHEN the first buttons appear THEN the console explains how to press them, once', async () => {
    const { text } = await pipe('/quote\nanother q\n');
    expect(text.match(/Type a button's label to press it\./g)).toHaveLength(1);
  });
});

describe('GIVEN a line that cannot run', () => {
  test.each([
    ['an unknown command', '/nope', /⚠️ Unknown command \/nope\. .*Commands: \/boom/],
    ['a bad option', '/search war page:x', /⚠️ page must be a whole number, not "x"\./],
    ['a missing option', '/search', /⚠️ query is required\. Usage: \/search <query> \[page\]$/m],
    [
      'a missing option that autocompletes',
      '/theme',
      /⚠️ theme is required\. Usage: \/theme <theme> \[briefing\] Choose from: security-defence, political-dialogue, economy-reconstruction, strategic-communication\./,
    ],
    ['an unterminated quote', '/search "war', /⚠️ unterminated quote/],
    ['markdown in a bad value', '/search war page:**x**', /⚠️ page must be a whole number, not "\*\*x\*\*"\./],
  ])(
    'WHEN it has %s THEN the same clear error as in Discord is printed and the session goes on',
    async (_c, line, message) => {
      const { result, text } = await pipe(`${line}\n/quote\n`);
      expect(answers(text)[0]).toMatch(message);
      expect(answers(text)[1]).toContain('Quote number 1.');
      expect(result).toEqual({ exitCode: 0, commands: 2, errors: 1 });
    },
  );

  test('WHEN a command fails unexpectedly THEN an apology with an error id is printed and the fault logged', async () => {
    const log = { error: vi.fn() };
    const { text } = await pipe('/boom\n', { log });
    const id = /error id: (\w+)/.exec(text)?.[1];
    expect(text).toContain('Sorry, something went wrong on our side.');
    expect(text).not.toContain('disk on fire');
    expect(log.error).toHaveBeenCalledWith(
      expect.objectContaining({ errorId: id, command: 'boom', guildId: 'console', err: expect.any(Error) }),
      'console command failed',
    );
  });

  test('WHEN the context cannot be built THEN the line is answered with an apology and the session goes on', async () => {
    let calls = 0;
    const flaky = makeContext();
    const { result, text } = await pipe('/quote\n/quote\n', {
      log: { error: vi.fn() },
      makeContext: (facts) => {
        calls++;
        if (calls === 1) throw new Error('library not ready');
        return flaky(facts);
      },
    });
    expect(answers(text)[0]).toContain('Sorry, something went wrong on our side.');
    expect(answers(text)[1]).toContain('Quote number 1.');
    expect(result.exitCode).toBe(0);
  });

  test.each([
    [
      'plain words',
      'hello there',
      /^Commands start with a slash, e\.g\. \/brief\. Type help for the list\.$/,
    ],
    [
      'a command without its slash',
      'theme security',
      /^Did you mean \/theme security\? Commands start with a slash\.$/,
    ],
  ])('WHEN it is %s THEN a short hint is printed', async (_c, line, hint) => {
    const { result, text } = await pipe(`${line}\n`);
    expect(answers(text)[0]).toMatch(hint);
    expect(result.commands).toBe(0);
  });
});

describe('GIVEN a request for help', () => {
  test.each(['help', '/help', '?'])(
    'WHEN %s is typed THEN commands and console tips are listed',
    async (line) => {
      const { text } = await pipe(`${line}\n`);
      expect(text).toContain('/theme <theme> [briefing] What the briefings say on one theme');
      expect(text).toContain('/schedule add|list … Digests on a schedule');
      expect(text).toContain('At this console');
    },
  );

  test('WHEN help names a command THEN its options are described', async () => {
    const { text } = await pipe('help schedule\n');
    expect(text).toContain('/schedule add <channel> <when> [format] [skip_if_empty]');
    expect(text).toContain('• format (text, one of: brief, full) Format');
    expect(text).toContain('• skip_if_empty (true/false) Skip empty digests');
  });
});

describe('GIVEN where the output goes', () => {
  const styledOutput = async (env: NodeJS.ProcessEnv) =>
    (await pipe('/theme security\n', { isTTY: true, env })).text;

  test('WHEN it is a terminal THEN replies are styled', async () => {
    expect(await styledOutput({})).toContain('\x1b[38;2;31;111;235m▌');
  });

  test.each([
    ['NO_COLOR is set', { NO_COLOR: '1' }],
    ['the terminal is dumb', { TERM: 'dumb' }],
  ])('WHEN %s THEN no escape code is written', async (_c, env) => {
    expect(await styledOutput(env)).not.toContain('\x1b');
  });
});

describe('GIVEN a session waiting for input', () => {
  test('WHEN its signal aborts (SIGTERM) THEN it ends as at end of input', async () => {
    const { output } = sink();
    const input = new PassThrough();
    const abort = new AbortController();
    const session = startConsole({ ...base(output), input, signal: abort.signal });
    input.write('/quote\n');
    abort.abort();
    await expect(session.done).resolves.toMatchObject({ exitCode: 0 });
  });
});

describe('GIVEN a digest posted to a console channel', () => {
  test('WHEN posted THEN it prints under the channel name and gets a message id', async () => {
    const { output, text } = sink();
    const input = new PassThrough();
    const session = startConsole({ ...base(output), input });
    const id = session.post('briefings', { content: 'Looking ahead: **3 items**' }, 'digest (late)');
    expect(id).toMatch(/^console-/);
    session.post('123', { content: 'elsewhere' });
    input.end();
    await session.done;
    expect(text()).toContain('── #briefings · digest (late) ──\nLooking ahead: 3 items');
    expect(text()).toContain('── #123 ──\nelsewhere');
  });
});

describe('GIVEN an interactive terminal', () => {
  test('WHEN Ctrl-C is pressed THEN it drops the typed line, and on an empty line it leaves', async () => {
    const { output } = sink();
    const input = new PassThrough();
    const session = startConsole({ ...base(output), input, isTTY: true, interactive: true });
    input.write('/quo');
    input.write('\x03');
    input.write('/quote\r');
    await new Promise((resolve) => setImmediate(resolve));
    input.write('\x03');
    await expect(session.done).resolves.toEqual({ exitCode: 0, commands: 1, errors: 0 });
  });

  test('WHEN a history file holds earlier lines THEN ↑ recalls them and new lines are added', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'attache-history-'));
    const historyFile = join(dir, 'console-history');
    writeFileSync(historyFile, '/theme security\n/quote\n');
    const { output, text } = sink();
    const input = new PassThrough();
    const session = startConsole({ ...base(output), input, isTTY: true, interactive: true, historyFile });
    input.write('\x1b[A\r');
    await vi.waitFor(() => expect(text()).toContain('Quote number 1.'));
    input.write('/search war\r');
    await vi.waitFor(() => expect(text()).toContain('Results for'));
    input.end();
    await session.done;
    expect(readFileSync(historyFile, 'utf8')).toBe('/theme security\n/quote\n/quote\n/search war\n');
    rmSync(dir, { recursive: true, force: true });
  });

  test('WHEN a command is completed with Tab and entered THEN it runs, and Ctrl-D leaves', async () => {
    const { output, text } = sink();
    const input = new PassThrough();
    const session = startConsole({ ...base(output), input, isTTY: true, interactive: true });
    input.write('/quo\t');
    await vi.waitFor(() => expect(text()).toContain('/quote '));
    input.write('\r');
    await vi.waitFor(() => expect(text()).toContain('Quote number 1.'));
    input.write('\x04');
    await expect(session.done).resolves.toEqual({ exitCode: 0, commands: 1, errors: 0 });
    expect(text()).toContain('attaché› ');
  });
});

describe('GIVEN the console, which only whoever runs the bot can use', () => {
  test('WHEN /status asks whether its reader is the operator THEN it is, whatever OPERATOR_GUILD_ID says', async () => {
    let seen: CommandContext | undefined;
    const status: StatusProvider = {
      uptimeMs: () => 1,
      data: () => ({ loadedAt: new Date(0), problems: [] }),
      operator: () => false,
    };
    await pipe('/quote\n', {
      makeContext: (facts) => ({ ...makeContext()(facts), services: { status } }),
      invoke: {
        command: async (_registry, _name, _raw, ctx) => {
          seen = ctx;
          return { content: 'ok' };
        },
        autocomplete: async () => [],
        button: async () => ({ content: 'ok' }),
      },
    });
    expect(seen?.services.status?.operator?.(seen.guildId ?? '')).toBe(true);
    expect(seen?.services.status?.uptimeMs()).toBe(1);
  });
});
