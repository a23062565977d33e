import { z } from 'zod';
import { UserError } from '../src/errors.js';
import { customId } from '../src/options/custom-id.js';
import { renderNotifyRoles, renderNotifyToggled } from '../src/render/views/notify.js';
import type { Command, CommandContext } from './index.js';

const options = z.strictObject({});

/** The same id the digest's 🔔 Notify me button carries (src/digest/compose.ts). */
const toggleId = (roleId: string): string => customId('notify', 'toggle', roleId);

const ROLE_ID = /^[\w-]{1,32}$/;

function serviceOf(ctx: CommandContext) {
  const schedules = ctx.services.schedules;
  if (!ctx.guildId || !schedules?.toggleNotify || !schedules.notifyRoles) {
    throw new UserError('Digest pings are only available in a server.');
  }
  return { guildId: ctx.guildId, toggle: schedules.toggleNotify, roles: schedules.notifyRoles };
}

export default {
  definition: {
    name: 'notify',
    description: 'The roles digests here ping: join or leave one',
  },
  options,
  help: {
    order: 70,
    usage: '/notify',
    summary:
      'The roles this server’s digests ping, with a button to join or leave each (also under each digest: 🔔 Notify me).',
    examples: () => ['/notify'],
  },
  async execute(ctx) {
    const { guildId, roles } = serviceOf(ctx);
    return renderNotifyRoles(await roles(guildId), toggleId);
  },
  buttons: {
    // Any member may press it; the service only ever hands out a role a schedule pings.
    async toggle(ctx, roleId) {
      if (!ROLE_ID.test(roleId)) throw new UserError('This button is not valid. Run /notify for fresh ones.');
      const { guildId, toggle } = serviceOf(ctx);
      const { joined, name } = await toggle(guildId, ctx.userId, roleId);
      return renderNotifyToggled(joined, name);
    },
  },
} satisfies Command<typeof options>;
