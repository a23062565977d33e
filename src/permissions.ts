/**
 * Who may run admin commands. One rule for the registry and for every handler, so that a member
 * the registry lets in is never refused by the handler (or the other way round).
 */
import { PermissionFlagsBits } from 'discord.js';

const { Administrator, ManageGuild } = PermissionFlagsBits;

/**
 * Manage Server, or Administrator (which implies every permission, whether or not Discord spelled
 * the other bits out). Null means no member permissions at all, e.g. outside a server.
 */
export function canManageGuild(permissions: bigint | null): boolean {
  if (permissions === null) return false;
  return (permissions & Administrator) === Administrator || (permissions & ManageGuild) === ManageGuild;
}
