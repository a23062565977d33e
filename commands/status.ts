import { z } from 'zod';
import { UserError } from '../src/errors.js';
import { customId, parsePage } from '../src/options/custom-id.js';
import type { Reply } from '../src/render/index.js';
import { readerIn } from '../src/render/views/schedules.js';
import { renderStatus } from '../src/render/views/status.js';
import type { AdminContext, Command } from './index.js';

const options = z.strictObject({});

/** A page button carries its page number. */
const pageId = (page: number): string => customId('status', 'page', String(page));

async function answer(ctx: AdminContext, page: number): Promise<Reply> {
  const { status, schedules } = ctx.services;
  return renderStatus({
    library: ctx.library,
    uptimeMs: status?.uptimeMs(),
    shard: status?.shard?.(ctx.guildId),
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
  },
  options,
  admin: true,
  help: { order: 20, usage: '/status', summary: 'shows the data loaded and every schedule' },
  execute: (ctx) => answer(ctx, 0),
  buttons: {
    // The guild comes from the click itself: an admin pages through their own server's schedules.
    page(ctx, state) {
      const page = parsePage(state);
      if (page === undefined) throw new UserError('This button is not valid. Run /status again.');
      return answer(ctx, page);
    },
  },
} satisfies Command<typeof options>;
