/**
 * npx tsx bench/profile.ts <file.cpuprofile> [top]
 *
 * Summarises a V8 CPU profile (from `npm run bench -- --profile`, or node --cpu-prof): the
 * functions with the most self time and the most total time (self + callees), with their file and
 * line, so a missed target can be traced to the code that costs it.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarise(profile: CpuProfile, top = 25): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const label = (n: ProfileNode) => {
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    const where = url ? `${relative(process.cwd(), url)}:${n.callFrame.lineNumber + 1}` : '(native)';
    return `${n.callFrame.functionName || '(anonymous)'} ${where}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    self.set(label(node), (self.get(label(node)) ?? 0) + us);
    // Each frame on the stack counts once per sample, however often it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      const key = label(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + us);
    }
  }
  const all = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, us]) =>
          `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / all).toFixed(1).padStart(5)}%  ${k}`,
      )
      .join('\n');
  return `profile: ${(all / 1000).toFixed(0)} ms sampled\n\nself time:\n${list(self)}\n\ntotal time:\n${list(total)}`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*\//, ''))) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: npx tsx bench/profile.ts <file.cpuprofile> [top]');
  console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(top ?? 25)));
}
