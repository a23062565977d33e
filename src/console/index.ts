/**
 * The local console transport: the same commands as Discord, typed at a prompt or piped in, with
 * replies printed as text. `startConsole` is what main.ts runs when there is no token (or with
 * `--console`); its `post` shows the scheduled digests that `createConsolePoster`'s Poster hands
 * it. `runConsole` runs a session to its end.
 */
export { type ConsolePost, createConsolePoster } from './poster.js';
export { renderReply } from './render-text.js';
export {
  CONSOLE_CHANNEL,
  CONSOLE_GUILD_ID,
  type ConsoleOptions,
  type ConsoleSession,
  runConsole,
  startConsole,
} from './session.js';
