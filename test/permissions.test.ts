import { PermissionFlagsBits } from 'discord.js';
import { expect, test } from 'vitest';
import { canManageGuild } from '../src/permissions.js';

const { Administrator, ManageGuild, SendMessages, ViewChannel, ManageChannels } = PermissionFlagsBits;

test.each<[string, bigint | null, boolean]>([
  ['Manage Server', ManageGuild, true],
  ['Administrator alone (Discord need not spell out the other bits)', Administrator, true],
  ['Manage Server among others', ManageGuild | SendMessages | ViewChannel, true],
  ['Administrator among others', Administrator | SendMessages, true],
  ['an ordinary member', SendMessages | ViewChannel, false],
  ['Manage Channels, which is not Manage Server', ManageChannels, false],
  ['no permissions', 0n, false],
  ['no member at all (outside a server)', null, false],
])('GIVEN %s THEN canManageGuild is %s', (_what, permissions, expected) => {
  expect(canManageGuild(permissions)).toBe(expected);
});
