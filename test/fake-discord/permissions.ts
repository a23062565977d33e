/**
 * Discord's permission algorithm (base permissions from roles, then channel overwrites in the
 * order @everyone, roles, member), so the fake refuses exactly what Discord would refuse and
 * discord.js computes the same answer from the cache.
 */
import { PermissionFlagsBits } from 'discord.js';

export interface Overwrite {
  id: string;
  /** 0 = role, 1 = member, as in Discord's JSON. */
  type: 0 | 1;
  allow: bigint;
  deny: bigint;
}

export interface PermissionInput {
  guildId: string;
  ownerId: string;
  userId: string;
  /** Role id -> permissions; includes @everyone (id = guild id). */
  rolePermissions: ReadonlyMap<string, bigint>;
  memberRoles: readonly string[];
  overwrites: readonly Overwrite[];
}

const ALL = Object.values(PermissionFlagsBits).reduce((acc, bit) => acc | bit, 0n);

export const basePermissions = (input: PermissionInput): bigint => {
  if (input.userId === input.ownerId) return ALL;
  let perms = input.rolePermissions.get(input.guildId) ?? 0n;
  for (const roleId of input.memberRoles) perms |= input.rolePermissions.get(roleId) ?? 0n;
  return perms & PermissionFlagsBits.Administrator ? ALL : perms;
};

export const channelPermissions = (input: PermissionInput): bigint => {
  let perms = basePermissions(input);
  if (perms === ALL) return ALL;
  const everyone = input.overwrites.find((o) => o.type === 0 && o.id === input.guildId);
  if (everyone) perms = (perms & ~everyone.deny) | everyone.allow;
  let allow = 0n;
  let deny = 0n;
  for (const o of input.overwrites) {
    if (o.type === 0 && o.id !== input.guildId && input.memberRoles.includes(o.id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  perms = (perms & ~deny) | allow;
  const member = input.overwrites.find((o) => o.type === 1 && o.id === input.userId);
  if (member) perms = (perms & ~member.deny) | member.allow;
  // The bitfield stays as computed (discord.js's permissionsFor gives the same); the implicit
  // rule "no View Channel, nothing else" is applied where access is checked.
  return perms;
};

export const toBits = (value: bigint | string | number | readonly bigint[] | undefined): bigint => {
  if (value === undefined) return 0n;
  if (Array.isArray(value)) return value.reduce<bigint>((acc, bit) => acc | bit, 0n);
  return BigInt(value as bigint | string | number);
};

/** Names of the flags missing from `have`, for readable failure reasons. */
export const missingFlags = (have: bigint, need: bigint): string[] =>
  Object.entries(PermissionFlagsBits)
    .filter(([, bit]) => need & bit && !(have & bit))
    .map(([name]) => name);
