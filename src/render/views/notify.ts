/**
 * /notify and the 🔔 Notify me button under a digest: the roles this server's digests ping, and
 * what pressing one did. Always private, and mentioning a role only as text (nobody is pinged).
 */
import { ButtonStyle } from 'discord.js';
import { escapeInline } from '../escape.js';
import type { Reply } from '../index.js';

/** The answer to a press of Notify me: joined or left, and how to undo it. */
export function renderNotifyToggled(joined: boolean, name: string): Reply {
  const role = `@${escapeInline(name)}`;
  return {
    ephemeral: true,
    content: joined
      ? `🔔 You joined ${role}: its digests will ping you. Press the button again to leave.`
      : `🔕 You left ${role}: its digests will no longer ping you. Press the button again to join.`,
  };
}

/** The roles digests ping, each with a button that joins or leaves it (at most 25). */
export function renderNotifyRoles(
  roles: readonly { roleId: string; name: string }[],
  buttonId: (roleId: string) => string,
): Reply {
  if (roles.length === 0) {
    return { ephemeral: true, content: 'No digest of this server pings a role: there is nothing to join.' };
  }
  const shown = roles.slice(0, 25);
  const rows = [];
  for (let i = 0; i < shown.length; i += 5) {
    rows.push({
      type: 1 as const,
      components: shown.slice(i, i + 5).map((r) => ({
        type: 2 as const,
        style: ButtonStyle.Secondary as const,
        label: `@${r.name}`.slice(0, 80),
        emoji: { name: '🔔' },
        custom_id: buttonId(r.roleId),
      })),
    });
  }
  return {
    ephemeral: true,
    content: `Digests here ping ${shown.map((r) => `@${escapeInline(r.name)}`).join(', ')}. Press a role to join it, again to leave.`,
    components: rows,
  };
}
