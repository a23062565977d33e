/** Percentiles and medians over samples; nearest-rank, so p99 of 1,000 samples is a real sample. */

export const percentile = (samples: readonly number[], p: number): number => {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
};

export const median = (samples: readonly number[]): number => percentile(samples, 50);

export interface Latency {
  calls: number;
  p50: number;
  p99: number;
  max: number;
}

export const latency = (samples: readonly number[]): Latency => ({
  calls: samples.length,
  p50: round(percentile(samples, 50)),
  p99: round(percentile(samples, 99)),
  max: round(percentile(samples, 100)),
});

/** Milliseconds to 3 decimals: enough for sub-millisecond handlers, short in JSON. */
export const round = (ms: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(ms * f) / f;
};
