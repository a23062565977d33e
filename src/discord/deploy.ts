/**
 * `npm run deploy-commands`: registers the command definitions with Discord, guild-scoped when
 * DISCORD_GUILD_ID is set (instant, for development), global otherwise (for release).
 */
import { pathToFileURL } from 'node:url';
import { REST, type RESTPutAPIApplicationCommandsResult, Routes } from 'discord.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { definitions, loadCommands } from '../registry.js';
import { explainDiscordFailure } from './failures.js';

interface DeployResult {
  scope: 'guild' | 'global';
  registered: RESTPutAPIApplicationCommandsResult;
}

export async function deployCommands(config: Config, rest = new REST()): Promise<DeployResult> {
  if (!config.DISCORD_TOKEN)
    throw new ConfigError(['DISCORD_TOKEN: expected the bot token to deploy commands']);
  rest.setToken(config.DISCORD_TOKEN);
  if (config.DISCORD_API_URL) rest.options.api = config.DISCORD_API_URL;
  const body = definitions(await loadCommands());
  const applicationId =
    config.DISCORD_APPLICATION_ID ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
  const route = config.DISCORD_GUILD_ID
    ? Routes.applicationGuildCommands(applicationId, config.DISCORD_GUILD_ID)
    : Routes.applicationCommands(applicationId);
  const registered = (await rest.put(route, { body })) as RESTPutAPIApplicationCommandsResult;
  return { scope: config.DISCORD_GUILD_ID ? 'guild' : 'global', registered };
}

async function main() {
  let apiUrl: string | undefined;
  try {
    const config = loadConfig();
    apiUrl = config.DISCORD_API_URL;
    const { scope, registered } = await deployCommands(config);
    const where =
      scope === 'guild'
        ? `in guild ${config.DISCORD_GUILD_ID}`
        : 'globally (may take up to an hour to appear)';
    console.log(`Registered ${registered.length} commands ${where}:`);
    for (const command of registered) {
      const subcommands = (command.options ?? []).filter((o) => o.type === 1).map((o) => o.name);
      console.log(
        `  /${command.name}${subcommands.length ? ` (${subcommands.join(', ')})` : ''} — ${command.description}`,
      );
    }
  } catch (error) {
    console.error(
      explainDiscordFailure(error, apiUrl) ?? (error instanceof Error ? error.message : String(error)),
    );
    process.exitCode = 1;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
