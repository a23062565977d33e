/**
 * Child for archive.test.ts: loads a data folder through the briefing cache file given, as a
 * process of the bot would at start, and prints what it loaded as one JSON line.
 */
import { buildLibrary } from '../../src/briefings/library.js';
import { loadData, openDataArchive } from '../../src/briefings/loader.js';

const [dir = '', file = '', word = ''] = process.argv.slice(2);
const archive = openDataArchive(file, (detail, message) => console.error(message, JSON.stringify(detail)));
const load = await loadData(dir, { archive });
const library = buildLibrary(load, { archive });
console.log(
  JSON.stringify({
    briefings: load.briefings.length,
    problems: load.problems.length,
    published: library.stats.briefings,
    found: library.search(word, { limit: 50 }).total,
  }),
);
library.dispose?.();
archive.close();
