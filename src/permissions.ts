/**
 * Who may run admin commands: the one place that decides, and that words the refusal. The registry
 * asks it before any handler of an admin command runs, whatever Discord showed the member (a
 * server may override a command's default permissions).
 */
import { InteractionContextType, PermissionFlagsBits } from 'discord.js';
import type { AdminContext, CommandContext } from '../commands/index.js';
import { UserError } from './errors.js';

const { Administrator, ManageGuild } = PermissionFlagsBits;

/**
 * Manage Server, or Administrator (which implies every permission, whether or not Discord spelled
 * the other bits out). Null means no member permissions at all, e.g. outside a server.
 */
export function canManageGuild(permissions: bigint | null): boolean {
  if (permissions === null) return false;
  return (permissions & Administrator) === Administrator || (permissions & ManageGuild) === ManageGuild;
}

/** A member in a server who may manage it. */
export const isAdmin = (ctx: CommandContext): ctx is AdminContext =>
  ctx.guildId !== null && canManageGuild(ctx.memberPermissions);

/** The context for the handlers of the admin command `/name`, or a refusal saying what to do. */
export function admitAdmin(name: string, ctx: CommandContext): AdminContext {
  if (isAdmin(ctx)) return ctx;
  throw new UserError(
    ctx.guildId === null
      ? `/${name} works only inside a server.`
      : `/${name} is for members with the Manage Server permission. Ask a server admin.`,
  );
}

/** What Discord is told about an admin command: offered in servers, to members with Manage Server. */
export const ADMIN_DEFINITION = {
  default_member_permissions: String(ManageGuild),
  contexts: [InteractionContextType.Guild],
};
