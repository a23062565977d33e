import { z } from 'zod';
import { renderHelp } from '../src/render/views/help.js';
import type { Command } from './index.js';

const options = z.strictObject({});

export default {
  definition: { name: 'help', description: 'What each command does, with examples' },
  options,
  help: { order: 70, usage: '/help', summary: 'This list.', examples: () => ['/help'] },
  execute(ctx) {
    const commands = [...(ctx.commands?.values() ?? [])];
    return renderHelp(ctx.library, {
      members: commands.flatMap((c) => (!c.admin && c.help ? [c.help] : [])),
      admins: commands.flatMap((c) => (c.admin && c.help ? [c.help] : [])),
    });
  },
} satisfies Command<typeof options>;
