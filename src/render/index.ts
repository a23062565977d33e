/**
 * The reply model every handler returns and every transport sends. It uses Discord's own JSON
 * shapes so the Discord transport can send it as is; the console renders it as text. Every reply
 * passes `fitReply` (limits.ts) before it leaves a transport.
 */
import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord.js';

export type ButtonRow = APIActionRowComponent<APIButtonComponent>;

/** A text file sent with a reply: an attachment on Discord, printed by the console. */
export interface ReplyFile {
  name: string;
  content: string;
}

export interface Reply {
  content?: string;
  embeds?: APIEmbed[];
  components?: ButtonRow[];
  files?: ReplyFile[];
  /** Only the invoking user sees it. */
  ephemeral?: boolean;
}

export { apologyReply, errorReply } from './errors.js';
export { DISCORD_LIMITS, fitReply } from './limits.js';
