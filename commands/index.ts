/**
 * The contract of a command module. A command is a plain object: its definition (the JSON Discord
 * registers), the schema of its options (both built from one description with src/options), and
 * handlers that take a small context and return a Reply. Handlers never touch process-wide state;
 * everything they need arrives in the context. A command that has buttons writes their custom ids
 * and reads them back in its own file; its views get the ids to put on them.
 */
import type {
  APIApplicationCommandOptionChoice,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { z } from 'zod';
import type { Library } from '../src/briefings/index.js';
import type { ScheduleService, StatusProvider } from '../src/digest/index.js';
import type { Reply } from '../src/render/index.js';
import type { AdminHelp, MemberHelp } from '../src/render/views/help.js';

/** A channel option, resolved by the transport. */
export interface ChannelRef {
  id: string;
  name?: string;
}

/** An attachment option, resolved by the transport: the file read as text. */
export interface AttachmentRef {
  name: string;
  size: number;
  content: string;
}

/**
 * Raw option values as the transport resolved them, before the command's zod schema. For a command
 * with subcommands, the transport adds the key `subcommand` with the subcommand's name.
 */
export type RawOptions = Record<string, string | number | boolean | ChannelRef | AttachmentRef | undefined>;

export interface CommandContext {
  /** The snapshot current when the interaction arrived. */
  library: Library;
  now: () => Date;
  /** Seedable in tests. */
  random: () => number;
  guildId: string | null;
  channelId: string | null;
  userId: string;
  /** The member's permissions in this channel as a bitfield, null outside a guild. */
  memberPermissions: bigint | null;
  locale: string;
  /** Services that only some commands use (schedules, status); see src/digest. */
  services: CommandServices;
  /** Every command the registry serves, for /help: the registry sets it before any handler runs. */
  commands?: ReadonlyMap<string, Command>;
}

/**
 * What the handlers of an admin command receive: the registry has checked (src/permissions.ts)
 * that the member may manage this server, so there is a server.
 */
export type AdminContext = CommandContext & { guildId: string; memberPermissions: bigint };

/** What a transport knows about an interaction before the app adds the library and services. */
export type InteractionFacts = Pick<
  CommandContext,
  'guildId' | 'channelId' | 'userId' | 'memberPermissions' | 'locale'
>;

/**
 * Services that only some commands use, wired by main.ts (and by tests). Each is optional so a
 * transport without it still serves the other commands; a command that needs a missing service
 * throws a UserError.
 */
export type CommandServices = {
  /** Digest schedules of the current guild (see src/digest). */
  schedules?: ScheduleService;
  /** Uptime and data snapshot for /status. */
  status?: StatusProvider;
};

export interface FocusedOption {
  name: string;
  value: string;
}

interface CommandOf<Schema extends z.ZodType, Context extends CommandContext> {
  /**
   * The JSON Discord registers. An admin command leaves out `default_member_permissions` and
   * `contexts`: the registry sets them from `admin`.
   */
  definition: RESTPostAPIChatInputApplicationCommandsJSONBody;
  /** Validates and types the raw options; failures name the option. */
  options: Schema;
  execute(ctx: Context, options: z.infer<Schema>): Promise<Reply> | Reply;
  /** At most 25 choices, best match first. */
  autocomplete?(
    ctx: Context,
    focused: FocusedOption,
    options: RawOptions,
  ): Promise<APIApplicationCommandOptionChoice[]> | APIApplicationCommandOptionChoice[];
  /**
   * Button handlers by action. A custom id is `<command>:<action>:<state>`, at most 100 characters;
   * the state carries everything the handler needs, so buttons keep working after a restart.
   */
  buttons?: Record<string, (ctx: Context, state: string) => Promise<Reply> | Reply>;
  /**
   * Builds what the command's answers derive from a snapshot (`library.derived`), when the snapshot
   * goes live rather than in the first answer after a start or reload.
   */
  prepare?(library: Library): void;
}

/** A command for everyone. */
export interface MemberCommand<Schema extends z.ZodType = z.ZodType>
  extends CommandOf<Schema, CommandContext> {
  admin?: false;
  /**
   * Its field in /help, with examples. Optional so a test's fake command needs none: every module in
   * commands/ has one (test/commands/sources-help.test.ts), and /help leaves out a command without.
   */
  help?: MemberHelp;
}

/**
 * A command for members with Manage Server, in a server. The registry refuses everyone else before
 * any handler (command, button or autocomplete) runs.
 */
export interface AdminCommand<Schema extends z.ZodType = z.ZodType> extends CommandOf<Schema, AdminContext> {
  admin: true;
  /** Its clause in /help's "For server admins" field; as for a member command, every module has one. */
  help?: AdminHelp;
}

export type Command<Schema extends z.ZodType = z.ZodType> = MemberCommand<Schema> | AdminCommand<Schema>;
