import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ApplicationCommandOptionType, PermissionFlagsBits } from 'discord.js';
import { afterEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import type { AdminCommand, Command, RawOptions } from '../commands/index.js';
import { isUserError, type UserError } from '../src/errors.js';
import {
  buildRegistry,
  checkCommandModule,
  definitions,
  invokeAutocomplete,
  invokeButton,
  invokeCommand,
  loadCommands,
} from '../src/registry.js';
import { adminPermissions, context } from './commands/fixtures.js';
import { assertWithinDiscordLimits } from './render/discord-limits.js';

const registry = await loadCommands();

/** The error a call rejects with, to inspect its message and option. */
async function failure(p: Promise<unknown>): Promise<UserError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isUserError(error)) throw new Error(`expected a UserError, got ${String(error)}`);
  return error;
}

describe('loading', () => {
  test('GIVEN the commands folder WHEN loaded THEN every command of the issue is there', () => {
    for (const name of ['brief', 'theme', 'quote', 'lookahead', 'search', 'sources', 'help']) {
      expect(registry.commands.has(name), name).toBe(true);
    }
  });

  test.each([
    ['brief', [['briefing', ApplicationCommandOptionType.String, false, true]]],
    [
      'theme',
      [
        ['theme', ApplicationCommandOptionType.String, true, true],
        ['briefing', ApplicationCommandOptionType.String, false, true],
      ],
    ],
    [
      'quote',
      [
        ['theme', ApplicationCommandOptionType.String, false, true],
        ['speaker', ApplicationCommandOptionType.String, false, true],
      ],
    ],
    [
      'lookahead',
      [
        ['theme', ApplicationCommandOptionType.String, false, true],
        ['within', ApplicationCommandOptionType.String, false, false],
      ],
    ],
    ['search', [['query', ApplicationCommandOptionType.String, true, false]]],
    ['sources', []],
    ['help', []],
  ] as const)(
    'GIVEN /%s WHEN its definition is read THEN its options are exactly the issue table',
    (name, expected) => {
      const options = registry.commands.get(name)?.definition.options ?? [];
      expect(
        options.map((o) => [
          o.name,
          o.type,
          'required' in o && o.required === true,
          'autocomplete' in o && o.autocomplete === true,
        ]),
      ).toEqual(expected);
    },
  );

  test('GIVEN /lookahead and /search WHEN defined THEN within offers the five windows and query stops at 200', () => {
    const within = registry.commands.get('lookahead')?.definition.options?.find((o) => o.name === 'within');
    expect(within && 'choices' in within ? within.choices?.map((c) => c.value) : []).toEqual([
      'week',
      'month',
      'quarter',
      'year',
      'all',
    ]);
    const query = registry.commands.get('search')?.definition.options?.[0];
    expect(query && 'max_length' in query ? query.max_length : undefined).toBe(200);
  });

  test('GIVEN the registry WHEN definitions are listed THEN they are sorted by name, one per command', () => {
    const names = definitions(registry).map((d) => d.name);
    expect(names).toEqual([...names].sort());
    expect(names).toHaveLength(registry.commands.size);
  });

  describe('a folder with a broken module', () => {
    let dir = '';
    afterEach(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    test.each([
      ['no default export', 'export const x = 1;', /default/],
      [
        'no execute',
        "export default { definition: { name: 'x', description: 'd' }, options: {} };",
        /execute|options/,
      ],
      [
        'a bad name',
        "export default { definition: { name: 'Bad Name', description: 'd' } };",
        /definition\.name/,
      ],
      [
        'help without a summary',
        "export default { definition: { name: 'x', description: 'd' }, execute() {}, help: { order: 1, usage: '/x' } };",
        /help\.summary/,
      ],
    ])('GIVEN a module with %s WHEN loaded THEN the error names the file', async (_what, source, problem) => {
      dir = await mkdtemp(join(tmpdir(), 'attache-commands-'));
      await writeFile(join(dir, 'index.mjs'), 'export {};');
      await writeFile(join(dir, 'broken.mjs'), source);
      const load = loadCommands(pathToFileURL(`${dir}/`));
      await expect(load).rejects.toThrow(/commands\/broken\.mjs/);
      await expect(load).rejects.toThrow(problem);
    });
  });

  test('GIVEN two modules defining one name WHEN the registry is built THEN it is an error naming both', () => {
    const command = registry.commands.get('help') as Command;
    expect(() =>
      buildRegistry([
        { file: 'a.ts', command },
        { file: 'b.ts', command },
      ]),
    ).toThrow(/b\.ts and commands\/a\.ts both define the command \/help/);
  });
});

describe('options', () => {
  test('GIVEN an unknown command WHEN invoked THEN the user is pointed to /help', async () => {
    const error = await failure(invokeCommand(registry, 'nope', {}, context()));
    expect(error.message).toBe('Unknown command /nope. Try /help.');
  });

  test('GIVEN an unknown command full of mention syntax WHEN invoked THEN the name is echoed harmlessly', async () => {
    const error = await failure(invokeCommand(registry, '@everyone<@&1>', {}, context()));
    expect(error.message).not.toMatch(/@everyone|<@&/);
  });

  test.each([
    [{ query: '' }, /`query` must not be empty/],
    [{ query: '    ' }, /`query` must not be empty/],
    [{ query: 'x'.repeat(201) }, /`query` must be at most 200 characters/],
    [{}, /needs the option `query`/],
    [{ query: 5 }, /`query` must be text/],
    [{ query: 'ok', colour: 'red' }, /has no option `colour`/],
  ])('GIVEN /search with %j WHEN invoked THEN a user error names the option', async (raw, message) => {
    const error = await failure(invokeCommand(registry, 'search', raw, context()));
    expect(error.message).toMatch(message);
  });

  test('GIVEN a query with spaces around it WHEN invoked THEN it is trimmed before searching', async () => {
    const reply = await invokeCommand(registry, 'search', { query: '   dialogue  ' }, context());
    expect(reply.embeds?.[0]?.title).toBe('Search: “dialogue”');
  });

  test('GIVEN /lookahead with an unknown window WHEN invoked THEN the error lists the choices', async () => {
    const error = await failure(invokeCommand(registry, 'lookahead', { within: 'decade' }, context()));
    expect(error.message).toMatch(/`within` must be one of week, month, quarter, year, all/);
    expect(error.option).toBe('within');
  });

  test('GIVEN any command WHEN invoked THEN its reply has passed the limits module', async () => {
    for (const name of ['brief', 'quote', 'lookahead', 'sources', 'help']) {
      assertWithinDiscordLimits(await invokeCommand(registry, name, {}, context()));
    }
  });
});

describe('admin commands', () => {
  const admin: Command = {
    definition: { name: 'admin-only', description: 'test' },
    options: z.object({}),
    admin: true,
    execute: () => ({ content: 'done' }),
    autocomplete: () => [{ name: 'a', value: 'a' }],
    buttons: { go: () => ({ content: 'pressed' }) },
  };
  const withAdmin = buildRegistry([{ file: 'admin-only.ts', command: admin }]);

  test.each([
    ['a member without Manage Server', PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageChannels],
    ['a member with no permissions', 0n],
  ])('GIVEN %s WHEN they run or press an admin command THEN they are refused', async (_who, permissions) => {
    const ctx = context({ memberPermissions: permissions });
    expect((await failure(invokeCommand(withAdmin, 'admin-only', {}, ctx))).message).toMatch(/Manage Server/);
    expect((await failure(invokeButton(withAdmin, 'admin-only:go:x', ctx))).message).toMatch(/Manage Server/);
    expect(await invokeAutocomplete(withAdmin, 'admin-only', { name: 'x', value: '' }, {}, ctx)).toEqual([]);
  });

  test('GIVEN a direct message WHEN an admin command runs THEN it says it works only in a server', async () => {
    const ctx = context({ memberPermissions: null, guildId: null });
    expect((await failure(invokeCommand(withAdmin, 'admin-only', {}, ctx))).message).toMatch(
      /only inside a server/,
    );
  });

  test.each([
    ['Manage Server', adminPermissions],
    ['Administrator', PermissionFlagsBits.Administrator],
  ])('GIVEN a member with %s WHEN they run it THEN it runs', async (_what, memberPermissions) => {
    const ctx = context({ memberPermissions });
    expect(await invokeCommand(withAdmin, 'admin-only', {}, ctx)).toEqual({ content: 'done' });
    expect(await invokeButton(withAdmin, 'admin-only:go:x', ctx)).toEqual({ content: 'pressed' });
  });

  test('GIVEN an admin command WHEN registered THEN Discord offers it in servers, to Manage Server by default', () => {
    expect(withAdmin.commands.get('admin-only')?.definition).toMatchObject({
      default_member_permissions: String(PermissionFlagsBits.ManageGuild),
      contexts: [0],
    });
  });

  test('GIVEN a module that sets default_member_permissions itself WHEN loaded THEN it is refused', () => {
    const definition = { name: 'x', description: 'd', default_member_permissions: '32' };
    expect(() =>
      checkCommandModule('x.ts', { default: { definition, options: z.object({}), execute: () => ({}) } }),
    ).toThrow(/x\.ts .*definition\.default_member_permissions: must be left out: `admin: true` sets it/);
  });
});

describe('no handler of a shipped admin command is reachable by a non-admin', () => {
  /** The command with every handler replaced by one that records that it ran. */
  function tripwired(command: AdminCommand, reached: string[]): AdminCommand {
    const name = command.definition.name;
    const trip = (what: string) => () => {
      reached.push(`/${name} ${what}`);
      return { content: 'reached' };
    };
    const actions = Object.keys(command.buttons ?? {});
    return {
      ...command,
      execute: trip('execute'),
      autocomplete: () => {
        reached.push(`/${name} autocomplete`);
        return [{ name: 'reached', value: 'reached' }];
      },
      buttons: Object.fromEntries(actions.map((action) => [action, trip(`button ${action}`)])),
    };
  }

  /** Raw options naming each subcommand (or none), and each option that autocompletes in it. */
  function waysIn(command: Command): { raw: RawOptions; autocompleted: string[] }[] {
    const top = command.definition.options ?? [];
    const subs = top.filter((o) => o.type === ApplicationCommandOptionType.Subcommand);
    const completing = (options: readonly { name: string }[]) =>
      options.filter((o) => 'autocomplete' in o && o.autocomplete === true).map((o) => o.name);
    if (subs.length === 0) return [{ raw: {}, autocompleted: completing(top) }];
    return subs.map((s) => ({ raw: { subcommand: s.name }, autocompleted: completing(s.options ?? []) }));
  }

  const admins = [...registry.commands.values()].filter((c): c is AdminCommand => c.admin === true);

  test('GIVEN the commands folder THEN /schedule and /status are admin commands', () => {
    expect(admins.map((c) => c.definition.name)).toEqual(expect.arrayContaining(['schedule', 'status']));
  });

  /**
   * Runs every command (each subcommand), every button and every autocompleting option of every
   * admin command, through a registry of tripwired copies. Returns the handlers that ran and what
   * each refused call answered.
   */
  async function tryEveryWayIn(ctx: ReturnType<typeof context>) {
    const reached: string[] = [];
    const answers: unknown[] = [];
    const guarded = buildRegistry(
      admins.map((c) => ({ file: `${c.definition.name}.ts`, command: tripwired(c, reached) })),
    );
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => 'answered',
        (e: unknown) => answers.push(e),
      );
    for (const command of admins) {
      const name = command.definition.name;
      for (const { raw, autocompleted } of waysIn(command)) {
        await refusal(invokeCommand(guarded, name, raw, ctx));
        for (const option of autocompleted) {
          const choices = await invokeAutocomplete(guarded, name, { name: option, value: '' }, raw, ctx);
          if (choices.length === 0) answers.push('no choices');
        }
      }
      for (const action of Object.keys(command.buttons ?? {})) {
        await refusal(invokeButton(guarded, `${name}:${action}:0`, ctx));
      }
    }
    return { reached, answers };
  }

  test.each([
    ['a member without Manage Server', { memberPermissions: PermissionFlagsBits.SendMessages }],
    ['a member with no permissions', { memberPermissions: 0n }],
    ['a direct message', { guildId: null, memberPermissions: null }],
    ['Manage Server bits outside a server', { guildId: null, memberPermissions: adminPermissions }],
  ])(
    'GIVEN %s WHEN every way into every admin command is tried THEN no handler runs, and each is refused',
    async (_who, overrides) => {
      const { reached, answers } = await tryEveryWayIn(context(overrides));
      expect(reached).toEqual([]);
      expect(answers.length).toBeGreaterThan(0);
      for (const answer of answers) {
        if (answer === 'no choices') continue;
        expect(isUserError(answer) && answer.message).toMatch(
          /Manage Server permission|only inside a server/,
        );
      }
    },
  );

  test('GIVEN an admin WHEN the same ways in are tried THEN the handlers run (so the test above can fail)', async () => {
    const { reached } = await tryEveryWayIn(context({ memberPermissions: adminPermissions }));
    expect(reached).toEqual(
      expect.arrayContaining([
        '/schedule execute',
        '/schedule autocomplete',
        '/schedule button page',
        '/status execute',
        '/status button page',
      ]),
    );
  });
});

describe('buttons and autocomplete', () => {
  test.each(['nope:page:1', 'theme:nope:1', 'garbage', ''])(
    'GIVEN the custom id %j WHEN pressed THEN the user is told to run the command again',
    async (id) => {
      expect((await failure(invokeButton(registry, id, context()))).message).toMatch(/Run the command again/);
    },
  );

  // Handlers are looked up by a name the click supplies: inherited members of a plain object
  // (hasOwnProperty, constructor, toString…) are not actions.
  test.each([
    'search:hasOwnProperty:x',
    'quote:constructor:x',
    'theme:toString:1',
    'status:__proto__:1',
    'sources:valueOf:0',
    'brief:__defineGetter__:x',
  ])(
    'GIVEN the custom id %j naming an inherited member WHEN pressed THEN it is an expired button',
    async (id) => {
      expect((await failure(invokeButton(registry, id, context()))).message).toMatch(/Run the command again/);
    },
  );

  test('GIVEN an unknown command WHEN autocompleted THEN there are no choices', async () => {
    expect(await invokeAutocomplete(registry, 'nope', { name: 'x', value: '' }, {}, context())).toEqual([]);
  });

  test('GIVEN a command whose autocomplete returns too much WHEN asked THEN at most 25 valid choices come back', async () => {
    const greedy: Command = {
      definition: { name: 'greedy', description: 'test' },
      options: z.object({}),
      execute: () => ({ content: 'x' }),
      autocomplete: () =>
        Array.from({ length: 40 }, (_, i) => ({
          name: `${i} ${'n'.repeat(200)}`,
          value: i % 2 ? 'v'.repeat(101) : `v${i}`,
        })),
    };
    const out = await invokeAutocomplete(
      buildRegistry([{ file: 'greedy.ts', command: greedy }]),
      'greedy',
      { name: 'x', value: '' },
      {},
      context(),
    );
    expect(out).toHaveLength(20);
    for (const c of out) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(String(c.value).length).toBeLessThanOrEqual(100);
    }
  });
});
