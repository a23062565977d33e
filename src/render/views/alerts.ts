/** /schedule alerts: where failures and recoveries of this server's schedules are announced. */
import type { Reply } from '../index.js';
import { BRAND_COLOUR } from '../style.js';

export function renderAlerts(result: { channelId?: string; count: number }): Reply {
  const covered = `${result.count} schedule${result.count === 1 ? '' : 's'}`;
  return {
    embeds: [
      {
        title: result.channelId ? '🔔 Alerts on' : '🔕 Alerts off',
        color: BRAND_COLOUR,
        description: result.channelId
          ? `When one of this server's ${covered} starts failing (a missing permission, a deleted channel or role, Discord failing on every retry), <#${result.channelId}> is told once, with the fix; and once more when it recovers. \`/schedule alerts off:true\` stops it.`
          : `Failures of this server's ${covered} are no longer announced; /schedule list and /status still show them.`,
      },
    ],
  };
}
