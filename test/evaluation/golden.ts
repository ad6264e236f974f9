// The golden cases of test/fixtures/golden-eval (pycocotools and nnDetection results, see its README)
// as evaluation inputs.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalInput } from '../../src/shared/evaluation/input';
import type { EvalInput } from '../../src/shared/evaluation/types';

export const GOLDEN_DIR = join(import.meta.dirname, '../fixtures/golden-eval');
export const LABEL = 'dvt';

type Box = [number, number, number, number];

export interface GoldenOperatingPoint {
  score_threshold: number;
  tp: number;
  fp: number;
  fn: number;
  sensitivity: number | null;
  fppi: number;
  precision: number | null;
}

export interface GoldenFroc {
  fppi_thresholds: number[];
  sensitivity_at_fppi: (number | null)[];
  cpm: number | null;
  num_gt: number;
  num_detections: number;
  num_matched: number;
  curve_all_thresholds: { fppi: number[]; sensitivity: number[]; score_thresholds: number[] };
}

export interface GoldenCase {
  case_id: string;
  case_name: string;
  inputs: {
    images: { image_id: number; patient_id: string }[];
    ground_truth: { id: number; image_id: number; box: Box }[];
    predictions: { id: number; image_id: number; box: Box; score: number }[];
  };
  outputs: {
    counts: {
      num_images: number;
      num_patients: number;
      num_gt: number;
      num_predictions: number;
      num_images_with_gt: number;
      num_images_with_predictions: number;
      num_images_without_gt_and_predictions: number;
    };
    ap_coco101: {
      maxdets_100: number;
      maxdets_1000: number;
      max_recall_maxdets_100: number;
      max_recall_maxdets_1000: number;
      precision_at_recall_thresholds_maxdets_100: number[];
      precision_at_recall_thresholds_maxdets_1000: number[];
    };
    operating_points: GoldenOperatingPoint[];
    'matches_at_iou_0.1': { prediction_id: number; matched_gt_id: number }[];
    froc: GoldenFroc;
    froc_maxdets_100: { sensitivity_at_fppi: (number | null)[]; cpm: number | null };
  };
}

export function goldenCases(): GoldenCase[] {
  return readdirSync(GOLDEN_DIR)
    .filter((f) => /^case-\d+\.json$/.test(f))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(GOLDEN_DIR, f), 'utf8')) as GoldenCase);
}

/** Image ids are 1…N in order, so image index = id − 1; boxes keep their listed order (ids = position + 1). */
export function goldenInput(c: GoldenCase): EvalInput {
  const { images, ground_truth, predictions } = c.inputs;
  return evalInput(
    images.map((img) => ({ key: String(img.image_id), patientId: img.patient_id })),
    [LABEL],
    ground_truth.map((g) => ({ image: g.image_id - 1, label: LABEL, box: g.box })),
    predictions.map((p) => ({ image: p.image_id - 1, label: LABEL, box: p.box, score: p.score })),
  );
}
