import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const PYTHON = '/usr/bin/python3';

export const hasPydicom = (): boolean => {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import pydicom, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

export interface SliceSpec {
  file: string;
  sop: string;
  position: [number, number, number] | null;
  instance: number | null;
  base: number;
}

export interface SeriesSpec {
  studyUid: string;
  seriesUid: string;
  patientId?: string;
  rows: number;
  cols: number;
  orientation: number[];
  spacing: [number, number];
  slope?: number;
  intercept?: number;
  slices: SliceSpec[];
}

export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));

/** Writes CT slices with pydicom (test/import/make_series.py): stored value at (r, c) = base + r·cols + c. */
export function writeSeries(out: string, series: SeriesSpec[]): void {
  for (const s of series)
    for (const sl of s.slices) mkdirSync(dirname(join(out, sl.file)), { recursive: true });
  execFileSync(PYTHON, [join(import.meta.dirname, 'make_series.py')], {
    input: JSON.stringify({ out, series }),
  });
}

/** An axial series of n slices 5 mm apart, cranial slice at z = 0. */
export function axialSeries(
  tag: string,
  n: number,
  options: { feetFirst?: boolean; zs?: number[]; rows?: number; cols?: number } = {},
): SeriesSpec {
  const zs = options.zs ?? Array.from({ length: n }, (_, i) => -5 * i);
  return {
    studyUid: `1.2.826.0.1.3680043.8.498.${tag}.1`,
    seriesUid: `1.2.826.0.1.3680043.8.498.${tag}.2`,
    rows: options.rows ?? 8,
    cols: options.cols ?? 6,
    orientation: options.feetFirst ? [-1, 0, 0, 0, 1, 0] : [1, 0, 0, 0, 1, 0],
    spacing: [0.8, 0.7],
    // Files named so that directory order is not anatomical order.
    slices: zs.map((z, i) => ({
      file: `${tag}/f${String((i * 7) % n).padStart(3, '0')}-${i}.dcm`,
      sop: `1.2.826.0.1.3680043.8.498.${tag}.3.${i + 1}`,
      position: [-100, -80, z],
      instance: n - i,
      base: 1000 + 100 * i,
    })),
  };
}
