/**
 * TextRank over sentences: a sentence matters when it shares content words with many sentences
 * that matter. Similarity is the original paper's overlap / (log|a| + log|b|); pairs are found
 * through an inverted index, so a 20,000-word article costs a fraction of the all-pairs loop.
 */

const DAMPING = 0.85;
const ITERATIONS = 40;
const EPSILON = 1e-6;

/** One score per sentence, in input order. `terms` are each sentence's content-word stems. */
export function textRank(terms: readonly (readonly string[])[]): number[] {
  const n = terms.length;
  if (n === 0) return [];
  const sets = terms.map((t) => new Set(t));
  const index = new Map<string, number[]>();
  sets.forEach((set, i) => {
    for (const term of set) {
      const list = index.get(term);
      if (list) list.push(i);
      else index.set(term, [i]);
    }
  });

  const edges: Map<number, number>[] = sets.map(() => new Map());
  sets.forEach((set, i) => {
    const overlap = new Map<number, number>();
    for (const term of set) {
      for (const j of index.get(term) ?? []) if (j > i) overlap.set(j, (overlap.get(j) ?? 0) + 1);
    }
    for (const [j, shared] of overlap) {
      const other = sets[j]?.size ?? 0;
      const norm = Math.log(set.size + 1) + Math.log(other + 1);
      const w = shared / norm;
      edges[i]?.set(j, w);
      edges[j]?.set(i, w);
    }
  });

  const outWeight = edges.map((e) => [...e.values()].reduce((a, b) => a + b, 0));
  let scores = new Array<number>(n).fill(1 / n);
  for (let it = 0; it < ITERATIONS; it++) {
    const next = new Array<number>(n).fill((1 - DAMPING) / n);
    edges.forEach((e, i) => {
      const out = outWeight[i] ?? 0;
      if (out === 0) return;
      const share = (scores[i] ?? 0) / out;
      for (const [j, w] of e) next[j] = (next[j] ?? 0) + DAMPING * share * w;
    });
    const delta = next.reduce((acc, v, i) => acc + Math.abs(v - (scores[i] ?? 0)), 0);
    scores = next;
    if (delta < EPSILON) break;
  }
  return scores;
}

/**
 * The best sentences, back in reading order, within a character budget. `bias` lets a caller
 * favour some sentences (news puts the gist in the lead); it multiplies the TextRank score.
 */
export function pickSentences(
  sentences: readonly string[],
  scores: readonly number[],
  count: number,
  maxChars: number,
  bias: (index: number) => number = () => 1,
): number[] {
  const ranked = sentences
    .map((s, i) => ({ i, s, score: (scores[i] ?? 0) * bias(i) }))
    .filter((x) => x.s.length >= 25)
    .sort((a, b) => b.score - a.score);
  const chosen: number[] = [];
  let used = 0;
  for (const r of ranked) {
    if (chosen.length >= count) break;
    const cost = r.s.length + (chosen.length > 0 ? 1 : 0);
    if (used + cost > maxChars) continue;
    chosen.push(r.i);
    used += cost;
  }
  return chosen.sort((a, b) => a - b);
}
