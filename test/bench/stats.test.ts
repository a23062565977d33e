import { describe, expect, test } from 'vitest';
import { latency, median, percentile } from '../../bench/stats.js';

const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);

describe('GIVEN latency samples', () => {
  test.each([
    [50, 50],
    [99, 99],
    [100, 100],
    [1, 1],
    [0, 1],
  ])('WHEN p%i of 1..100 in any order is asked THEN it is the sample of that rank (%i)', (p, expected) => {
    expect(percentile(hundred, p)).toBe(expected);
  });

  test('WHEN there are fewer than 100 samples THEN p99 is the largest (nearest rank, never interpolated)', () => {
    expect(percentile([3, 1, 2, 10], 99)).toBe(10);
    expect(median([3, 1, 2, 10])).toBe(2);
  });

  test('WHEN there are no samples THEN the percentile is not a number rather than zero', () => {
    expect(percentile([], 50)).toBeNaN();
  });

  test('WHEN summarised THEN calls, p50, p99 and max come from the samples and the input is left as it was', () => {
    const samples = [5, 1, 4, 2, 3];
    expect(latency(samples)).toEqual({ calls: 5, p50: 3, p99: 5, max: 5 });
    expect(samples).toEqual([5, 1, 4, 2, 3]);
  });
});
