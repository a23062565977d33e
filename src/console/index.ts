/**
 * The local console transport: the same commands as Discord, typed at a prompt or piped in, with
 * replies printed as text. `runConsole` is what main.ts calls when there is no token (or with
 * `--console`); `startConsole` also returns `post`, and `createConsolePoster` is the Poster that
 * shows scheduled digests through it.
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
