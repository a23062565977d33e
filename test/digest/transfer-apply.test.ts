/**
 * Applying a previewed import (transfer.ts applyPlan) on the record as it is at the click: a
 * second application of one plan adds nothing, whatever ids its schedules ended up with.
 */
import { describe, expect, test } from 'vitest';
import { applyPlan, type ImportPlan } from '../../src/digest/transfer.js';
import { scheduleRecord } from './fixtures.js';

const plan: ImportPlan = {
  v: 1,
  guildId: 'g1',
  userId: 'u1',
  createdAt: '2026-03-02T09:00:00.000Z',
  fromThisServer: false,
  kept: [],
  entries: [
    {
      action: 'add',
      id: 'abcd12',
      channelId: 'c1',
      when: 'daily 08:00',
      cron: '0 8 * * *',
      timezone: 'UTC',
      themes: [],
      format: 'brief',
      skipIfEmpty: true,
      paused: false,
    },
  ],
};
let next = 0;
const options = { maxPerGuild: 25, stamp: '2026-03-02T09:01:00.000Z', newId: () => `new${next++}00` };

describe('applying a previewed import', () => {
  test('GIVEN the planned id was taken after the preview WHEN the plan is applied twice (two clicks, two processes) THEN its schedule is added once, under a new id', () => {
    const theirs = scheduleRecord({ id: 'abcd12', guildId: 'g1', createdAt: '2026-03-02T09:00:30.000Z' });
    const first = applyPlan([theirs], plan, options);
    expect(first.result.replayed).toBe(false);
    expect(first.schedules.map((s) => s.id)).toEqual(['abcd12', 'new000']);
    const second = applyPlan(first.schedules, plan, options);
    expect(second.result.replayed).toBe(true);
    expect(second.schedules).toHaveLength(2);
  });

  test('GIVEN a schedule changed after the preview WHEN a plan updating it is applied THEN nothing is applied, and the reason says so', () => {
    const current = scheduleRecord({ id: 'abcd12', guildId: 'g1', updatedAt: '2026-03-02T09:00:40.000Z' });
    const update: ImportPlan = {
      ...plan,
      fromThisServer: true,
      entries: [
        {
          ...(plan.entries[0] as ImportPlan['entries'][number]),
          action: 'update',
          when: 'daily 09:30',
          cron: '30 9 * * *',
          base: '2026-03-02T08:00:00.000Z',
        },
      ],
    };
    expect(() => applyPlan([current], update, options)).toThrow(
      /abcd12 was changed after the preview, so nothing was imported/,
    );
    expect(
      applyPlan(
        [current],
        {
          ...update,
          entries: [{ ...(update.entries[0] as ImportPlan['entries'][number]), base: current.updatedAt }],
        },
        options,
      ).result.updated,
    ).toHaveLength(1);
  });
});
