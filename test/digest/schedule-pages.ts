/** Shared by the /schedule list and /status tests: a guild at the cap, and walking its pages. */
import type { Schedule } from '../../src/digest/index.js';
import type { Reply } from '../../src/render/index.js';

/** 25 schedules; the first 10 failing, each with its own long reason (as Discord's can be). */
export function atTheCap(guildId: string): { schedules: Schedule[]; reasons: string[] } {
  const reasons: string[] = [];
  const schedules = Array.from({ length: 25 }, (_, i): Schedule => {
    const id = `sch${String(i).padStart(3, '0')}`;
    const failing = i < 10;
    const reason = `gave up after 3 attempts: Discord did not accept it (Service Unavailable on POST /channels/${100000000000000000n + BigInt(i)}/messages, case ${i})`;
    if (failing) reasons.push(reason);
    return {
      id,
      guildId,
      channelId: String(100000000000000000n + BigInt(i)),
      when: 'weekdays 07:30',
      cron: '30 7 * * 1-5',
      timezone: 'America/Argentina/Buenos_Aires',
      themes: ['security-defence', 'outlook'],
      format: 'full',
      skipIfEmpty: false,
      paused: false,
      createdBy: 'u1',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      activeSince: '2026-01-01T00:00:00.000Z',
      health: failing ? { status: 'failing', reason, since: '2026-03-01T10:30:00.000Z' } : { status: 'ok' },
      lastRun: failing
        ? { slot: '2026-03-01T10:30:00.000Z', outcome: 'failed', at: '2026-03-01T10:31:00.000Z', reason }
        : {
            slot: '2026-03-01T10:30:00.000Z',
            outcome: 'sent',
            at: '2026-03-01T10:30:01.000Z',
            messageId: '1',
          },
      missed: { count: 12, latest: '2026-02-27T10:30:00.000Z', recordedAt: '2026-03-01T10:30:00.000Z' },
    };
  });
  return { schedules, reasons };
}

/** Every page, by pressing Next until it is disabled. */
export async function pagesOf(first: Reply, press: (customId: string) => Promise<Reply>): Promise<Reply[]> {
  const pages = [first];
  for (let i = 0; i < 30; i++) {
    const next = pages.at(-1)?.components?.[0]?.components.find((b) => 'label' in b && b.label === 'Next ▶');
    if (!next || next.disabled || !('custom_id' in next)) break;
    pages.push(await press(next.custom_id));
  }
  return pages;
}
