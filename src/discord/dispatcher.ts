/**
 * The one interaction dispatcher: every interaction goes through `dispatch`, which builds the
 * command context, runs the registry, and answers. User errors are answered ephemerally with what
 * to do; anything else is logged with its context and answered with an apology and an error id.
 */
import {
  type Attachment,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  type InteractionReplyOptions,
  MessageFlags,
  type RepliableInteraction,
} from 'discord.js';
import type { AttachmentRef, CommandContext, InteractionFacts, RawOptions } from '../../commands/index.js';
import { answerError, isUserError, UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { ATTACHMENT_MAX_BYTES } from '../options/index.js';
import { type RateDecision, type RateLimiter, slowDownMessage } from '../ratelimit.js';
import { invokeAutocomplete, invokeButton, invokeCommand, type Registry } from '../registry.js';
import type { Reply } from '../render/index.js';

/** What the dispatcher needs from the rest of the bot. */
interface DispatcherDeps {
  registry: Registry;
  log: Logger;
  /** Adds the library snapshot, clock and services to the interaction's own facts. */
  makeContext: (base: InteractionFacts) => CommandContext;
  /** Work still running after this long is deferred, well inside Discord's 3 s window. */
  deferAfterMs?: number;
  /** Commands and button presses per user; none: unlimited. Autocomplete is not counted. */
  rateLimit?: RateLimiter;
}

const factsOf = (interaction: Interaction): InteractionFacts => ({
  guildId: interaction.guildId,
  channelId: interaction.channelId,
  userId: interaction.user.id,
  memberPermissions: interaction.memberPermissions?.bitfield ?? null,
  locale: interaction.locale,
});

/** Flattens option data into `name -> value`, with `subcommand` for commands that have them. */
function rawOptionsOf(data: readonly CommandInteractionOption[]): RawOptions {
  const raw: RawOptions = {};
  for (const option of data) {
    if (option.options && (option.type === 1 || option.type === 2)) {
      raw[option.type === 1 ? 'subcommand' : 'group'] = option.name;
      Object.assign(raw, rawOptionsOf(option.options));
    } else if (option.attachment) {
      // Read in `attachmentsOf` once the interaction is being answered: not here, where it is logged.
    } else if (option.channel) {
      raw[option.name] = {
        id: option.channel.id,
        name: 'name' in option.channel ? (option.channel.name ?? '') : '',
      };
    } else if (option.value !== undefined) {
      raw[option.name] = option.value;
    }
  }
  return raw;
}

/** The attachment options of a command, by option name (inside subcommands too). */
function attachmentOptions(data: readonly CommandInteractionOption[]): [string, Attachment][] {
  return data.flatMap((option): [string, Attachment][] =>
    option.options
      ? attachmentOptions(option.options)
      : option.attachment
        ? [[option.name, option.attachment]]
        : [],
  );
}

/** How long the download of an attachment may take, inside the 15 minutes of a deferred answer. */
const DOWNLOAD_TIMEOUT_MS = 10_000;

/**
 * Downloads an attached file from the URL Discord gave, refusing one past ATTACHMENT_MAX_BYTES by
 * its announced size and again while reading (an announced size is not a promise), and one that
 * is not UTF-8 text.
 */
export async function downloadAttachment(name: string, file: Attachment): Promise<AttachmentRef> {
  const tooLarge = (bytes: number) =>
    new UserError(
      `the file is ${Math.ceil(bytes / 1024)} KB; at most ${ATTACHMENT_MAX_BYTES / 1024} KB is read.`,
      name,
    );
  if (file.size > ATTACHMENT_MAX_BYTES) throw tooLarge(file.size);
  let response: Response;
  try {
    response = await fetch(file.url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (error) {
    throw new Error(`could not download the attachment ${file.id}`, { cause: error });
  }
  if (!response.ok || !response.body) {
    throw new Error(`could not download the attachment ${file.id}: HTTP ${response.status}`);
  }
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of response.body) {
    bytes += chunk.byteLength;
    if (bytes > ATTACHMENT_MAX_BYTES) {
      await response.body.cancel().catch(() => undefined);
      throw tooLarge(bytes);
    }
    chunks.push(chunk);
  }
  let content: string;
  try {
    content = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new UserError('is not a text file (UTF-8): attach the .yaml file as it was exported.', name);
  }
  return { name: file.name, size: bytes, content: content.replace(/^\uFEFF/, '') };
}

async function attachmentsOf(data: readonly CommandInteractionOption[]): Promise<RawOptions> {
  const raw: RawOptions = {};
  for (const [name, file] of attachmentOptions(data)) raw[name] = await downloadAttachment(name, file);
  return raw;
}

const toDiscord = (reply: Reply): InteractionReplyOptions & { flags?: MessageFlags.Ephemeral } => ({
  content: reply.content ?? '',
  embeds: reply.embeds ?? [],
  components: reply.components ?? [],
  ...(reply.files?.length
    ? { files: reply.files.map((f) => ({ attachment: Buffer.from(f.content, 'utf8'), name: f.name })) }
    : {}),
  allowedMentions: { parse: [] },
  ...(reply.ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
});

export function createDispatcher(deps: DispatcherDeps) {
  const deferAfterMs = deps.deferAfterMs ?? 2000;

  const context = (interaction: Interaction) => deps.makeContext(factsOf(interaction));

  /**
   * Runs `work`; if it is still running after `deferAfterMs`, defers first so the token stays
   * valid. A failed deferral is logged, never left unhandled; an error from `work` is answered
   * only once the deferral has settled, so it goes out as the right kind of response.
   */
  async function answer(
    interaction: RepliableInteraction,
    work: () => Promise<Reply>,
    update: boolean,
    where: Record<string, unknown>,
  ) {
    const component = update && interaction.isMessageComponent() ? interaction : undefined;
    let deferral: Promise<void> | undefined;
    const timer = setTimeout(() => {
      deferral = (component ? component.deferUpdate() : interaction.deferReply()).then(
        () => undefined,
        (error: unknown) => deps.log.warn({ err: error, ...where }, 'could not defer the interaction'),
      );
    }, deferAfterMs);
    let reply: Reply;
    try {
      reply = await work();
    } catch (error) {
      clearTimeout(timer);
      await deferral;
      await fail(interaction, error, where);
      return;
    }
    clearTimeout(timer);
    await deferral;

    const { flags: _flags, ...edit } = toDiscord(reply);
    if (reply.ephemeral && (interaction.deferred || component)) {
      // A private answer never replaces a public message: a public deferral is removed and the
      // answer follows privately; a button's private answer comes beside the message it was on.
      if (interaction.deferred && !component) await interaction.deleteReply();
      if (interaction.deferred || interaction.replied) await interaction.followUp(toDiscord(reply));
      else await interaction.reply(toDiscord(reply));
    } else if (interaction.deferred) {
      await interaction.editReply(edit);
    } else if (component) {
      await component.update(edit);
    } else {
      await interaction.reply(toDiscord(reply));
    }
  }

  async function fail(interaction: RepliableInteraction, error: unknown, where: Record<string, unknown>) {
    const { reply } = answerError(error, { log: deps.log, message: 'interaction failed', context: where });
    const payload = { ...toDiscord(reply), flags: MessageFlags.Ephemeral as const };
    try {
      // The first follow-up after a public deferral would fill (and publish) the loading message.
      if (interaction.deferred && !interaction.replied && !interaction.isMessageComponent())
        await interaction.deleteReply();
      if (interaction.deferred || interaction.replied) await interaction.followUp(payload);
      else await interaction.reply(payload);
    } catch (replyError) {
      deps.log.warn({ err: replyError, ...where }, 'could not answer the interaction with its error');
    }
  }

  /** True when the user has gone past their rate; they are told so, privately, and nothing runs. */
  async function limited(interaction: RepliableInteraction, where: Record<string, unknown>) {
    let decision: RateDecision | undefined;
    try {
      decision = await deps.rateLimit?.take(interaction.user.id);
    } catch (error) {
      // A limiter that cannot count must not leave the member unanswered: let the request through.
      deps.log.warn({ err: error, ...where }, 'rate limit check failed; served without it');
      return false;
    }
    if (!decision || decision.ok) return false;
    deps.log.info({ ...where, retryAfterMs: decision.retryAfterMs }, 'rate limited');
    await fail(interaction, new UserError(slowDownMessage(decision.retryAfterMs)), where);
    return true;
  }

  async function onCommand(interaction: ChatInputCommandInteraction) {
    const raw = rawOptionsOf(interaction.options.data);
    const where = { command: interaction.commandName, ...whereOf(interaction) };
    deps.log.debug({ ...where, options: raw }, 'command');
    if (await limited(interaction, where)) return;
    try {
      await answer(
        interaction,
        async () =>
          // A file is downloaded only for a member the command admits.
          invokeCommand(deps.registry, interaction.commandName, raw, context(interaction), () =>
            attachmentsOf(interaction.options.data),
          ),
        false,
        where,
      );
    } catch (error) {
      await fail(interaction, error, where);
    }
  }

  async function onAutocomplete(interaction: AutocompleteInteraction) {
    const focused = interaction.options.getFocused(true);
    const where = { command: interaction.commandName, option: focused.name, ...whereOf(interaction) };
    try {
      const choices = await invokeAutocomplete(
        deps.registry,
        interaction.commandName,
        { name: focused.name, value: String(focused.value) },
        rawOptionsOf(interaction.options.data),
        context(interaction),
      );
      await interaction.respond(choices);
    } catch (error) {
      // Autocomplete has no error channel: an empty list is the only honest answer.
      if (!isUserError(error)) deps.log.error({ err: error, ...where }, 'autocomplete failed');
      if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
    }
  }

  async function onButton(interaction: ButtonInteraction) {
    const where = { customId: interaction.customId, ...whereOf(interaction) };
    if (await limited(interaction, where)) return;
    try {
      await answer(
        interaction,
        () => invokeButton(deps.registry, interaction.customId, context(interaction)),
        true,
        where,
      );
    } catch (error) {
      await fail(interaction, error, where);
    }
  }

  return async function dispatch(interaction: Interaction): Promise<void> {
    if (interaction.isChatInputCommand()) return onCommand(interaction);
    if (interaction.isAutocomplete()) return onAutocomplete(interaction);
    if (interaction.isButton()) return onButton(interaction);
    deps.log.debug({ type: interaction.type }, 'ignored interaction type');
  };
}

const whereOf = (interaction: Interaction) => ({
  guildId: interaction.guildId,
  channelId: interaction.channelId,
  userId: interaction.user.id,
  interactionId: interaction.id,
});
