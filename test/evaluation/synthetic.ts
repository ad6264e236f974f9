// Seeded random evaluation inputs for property tests: patients with slices, ground-truth boxes on some
// slices, predictions near them (hits, near misses) and elsewhere (false positives).
import { evalInput } from '../../src/shared/evaluation/input';
import { mulberry32 } from '../../src/shared/evaluation/random';
import type {
  Corners,
  EvalGroundTruth,
  EvalImage,
  EvalInput,
  EvalPrediction,
} from '../../src/shared/evaluation/types';

export interface SyntheticOptions {
  seed: number;
  patients?: number;
  slicesPerPatient?: number;
  labels?: string[];
  /** Round scores to this many decimals (ties), or keep them continuous. */
  scoreDecimals?: number;
}

export interface SyntheticRows {
  images: EvalImage[];
  labels: string[];
  groundTruth: EvalGroundTruth[];
  predictions: EvalPrediction[];
}

export function syntheticRows(options: SyntheticOptions): SyntheticRows {
  const { seed, patients = 12, slicesPerPatient = 6, labels = ['dvt'], scoreDecimals } = options;
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const score = (lo: number, hi: number): number => {
    const s = lo + (hi - lo) * random();
    return scoreDecimals === undefined ? s : Number(s.toFixed(scoreDecimals));
  };
  const box = (x: number, y: number, w: number, h: number): Corners => [x, y, x + w, y + h];
  const images: EvalImage[] = [];
  const groundTruth: EvalGroundTruth[] = [];
  const predictions: EvalPrediction[] = [];
  for (let p = 0; p < patients; p++) {
    const sick = random() < 0.6;
    for (let s = 0; s < slicesPerPatient; s++) {
      const image = images.length;
      images.push({ key: `P${p}-S${s}`, patientId: `P${p}` });
      const numGt = sick ? Math.floor(random() * 3) : 0;
      for (let g = 0; g < numGt; g++) {
        const w = 10 + 30 * random();
        const h = 10 + 30 * random();
        const x = 50 + 400 * random();
        const y = 50 + 400 * random();
        const label = pick(labels);
        groundTruth.push({ image, label, box: box(x, y, w, h) });
        const hits = random() < 0.8 ? 1 + Math.floor(random() * 2) : 0;
        for (let k = 0; k < hits; k++) {
          const j = (v: number): number => v * (1 + (random() - 0.5) * 0.6);
          predictions.push({
            image,
            label,
            box: box(j(x), j(y), j(w), j(h)),
            score: score(0.05, 1),
          });
        }
      }
      const fps = Math.floor(random() * 4);
      for (let k = 0; k < fps; k++) {
        predictions.push({
          image,
          label: pick(labels),
          box: box(400 * random(), 400 * random(), 10 + 30 * random(), 10 + 30 * random()),
          score: score(0, 0.7),
        });
      }
    }
  }
  // Shuffle the prediction rows: evalInput groups them by image (stably).
  for (let i = predictions.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [predictions[i], predictions[j]] = [predictions[j]!, predictions[i]!];
  }
  return { images, labels, groundTruth, predictions };
}

export function synthetic(options: SyntheticOptions): EvalInput {
  const rows = syntheticRows(options);
  return evalInput(rows.images, rows.labels, rows.groundTruth, rows.predictions);
}
