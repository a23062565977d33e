import { z } from 'zod';
import { renderHelp } from '../src/render/views/help.js';
import type { Command } from './index.js';

const options = z.strictObject({});

export default {
  definition: { name: 'help', description: 'What each command does, with examples' },
  options,
  execute(ctx) {
    return renderHelp(ctx.library);
  },
} satisfies Command<typeof options>;
