import { InteractionContextType, PermissionFlagsBits } from 'discord.js';
import { z } from 'zod';
import { UserError } from '../src/errors.js';
import { customId, parsePage } from '../src/options/custom-id.js';
import { canManageGuild } from '../src/permissions.js';
import type { Reply } from '../src/render/index.js';
import { readerIn } from '../src/render/views/schedules.js';
import { renderStatus } from '../src/render/views/status.js';
import type { Command, CommandContext } from './index.js';

const options = z.strictObject({});
const MANAGE_GUILD = PermissionFlagsBits.ManageGuild;

/** A page button carries its page number. */
const pageId = (page: number): string => customId('status', 'page', String(page));

async function answer(ctx: CommandContext, page: number): Promise<Reply> {
  if (ctx.guildId === null) throw new UserError('/status works only inside a server.');
  if (!canManageGuild(ctx.memberPermissions)) {
    throw new UserError('/status is for members with the Manage Server permission. Ask a server admin.');
  }
  const { status, schedules } = ctx.services;
  return renderStatus({
    library: ctx.library,
    uptimeMs: status?.uptimeMs(),
    shard: status?.shard?.(),
    data: status?.data(),
    schedules: schedules ? await schedules.list(ctx.guildId) : undefined,
    page,
    reader: readerIn(ctx.guildId, status),
    pageId,
  });
}

export default {
  definition: {
    name: 'status',
    description: 'Uptime, data snapshot and every schedule of this server (Manage Server)',
    default_member_permissions: String(MANAGE_GUILD),
    contexts: [InteractionContextType.Guild],
  },
  options,
  admin: true,
  execute: (ctx: CommandContext, _options: z.infer<typeof options>) => answer(ctx, 0),
  buttons: {
    // The registry checks admin for buttons of admin commands; answer checks again and scopes to the clicker's guild.
    page(ctx, state) {
      const page = parsePage(state);
      if (page === undefined) throw new UserError('This button is not valid. Run /status again.');
      return answer(ctx, page);
    },
  },
} satisfies Command<typeof options>;
