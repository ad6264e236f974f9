export interface SpacingReport {
  /** Median distance between consecutive slices (mm), or null with fewer than two distinct slices. */
  sliceSpacing: number | null;
  warnings: string[];
}

/** Two positions closer than this (mm) are the same slice position. */
const DUPLICATE_TOLERANCE_MM = 0.01;
/** Relative deviation from the median spacing that counts as uneven (and, above 1.5×, a gap). */
const UNEVEN_TOLERANCE = 0.05;
const GAP_FACTOR = 1.5;

const fmt = (v: number): string => String(Math.round(v * 1000) / 1000);

/**
 * Measures slice spacing from the ordered slice positions along the normal and reports
 * duplicates, gaps and uneven spacing, with slice numbers (1-based, in anatomical order).
 */
export function measureSliceSpacing(distances: readonly number[]): SpacingReport {
  const warnings: string[] = [];
  const steps: { at: number; step: number }[] = [];
  for (let i = 1; i < distances.length; i++) {
    steps.push({ at: i, step: Math.abs((distances[i] as number) - (distances[i - 1] as number)) });
  }
  const duplicates = steps.filter((s) => s.step < DUPLICATE_TOLERANCE_MM);
  if (duplicates.length > 0) {
    warnings.push(
      `${duplicates.length} duplicate slice position(s): slices ${duplicates
        .slice(0, 10)
        .map((s) => `${s.at}/${s.at + 1}`)
        .join(', ')}`,
    );
  }
  const real = steps.filter((s) => s.step >= DUPLICATE_TOLERANCE_MM).map((s) => s.step);
  if (real.length === 0) return { sliceSpacing: null, warnings };
  const sorted = [...real].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  const gaps = steps.filter((s) => s.step > median * GAP_FACTOR);
  if (gaps.length > 0) {
    warnings.push(
      `${gaps.length} gap(s) in slice positions (median spacing ${fmt(median)} mm): ${gaps
        .slice(0, 10)
        .map((s) => `${fmt(s.step)} mm between slices ${s.at} and ${s.at + 1}`)
        .join(', ')}`,
    );
  }
  const uneven = steps.filter(
    (s) =>
      s.step >= DUPLICATE_TOLERANCE_MM &&
      s.step <= median * GAP_FACTOR &&
      Math.abs(s.step - median) > median * UNEVEN_TOLERANCE,
  );
  if (uneven.length > 0) {
    const lo = Math.min(...uneven.map((s) => s.step), median);
    const hi = Math.max(...uneven.map((s) => s.step), median);
    warnings.push(
      `uneven slice spacing: ${uneven.length} step(s) differ from ${fmt(median)} mm (${fmt(lo)}–${fmt(hi)} mm)`,
    );
  }
  return { sliceSpacing: median, warnings };
}
