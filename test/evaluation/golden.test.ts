// Every golden case against the references' numbers (pycocotools COCOeval for matches, AP and the
// operating points; nnDetection FROCMetric for FROC and CPM): integers exactly, floats within 1e-9.
import { describe, expect, it } from 'vitest';
import { evaluate, matchPredictions, prepareEvaluation } from '../../src/shared/evaluation';
import {
  DEFAULT_EVAL_SETTINGS,
  type EvalSettings,
  type Froc,
  type OperatingPoint,
} from '../../src/shared/evaluation';
import { goldenCases, goldenInput, type GoldenOperatingPoint } from './golden';

const TOL = 1e-9;
const cases = goldenCases();

function expectClose(actual: number | null | undefined, expected: number | null, what: string): void {
  if (expected === null) {
    expect(actual, what).toBeNull();
    return;
  }
  expect(actual, what).not.toBeNull();
  expect(Math.abs(actual! - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(TOL);
}

function expectOperatingPoint(got: OperatingPoint, want: GoldenOperatingPoint, what: string): void {
  expect({ tp: got.tp, fp: got.fp, fn: got.fn }, what).toEqual({ tp: want.tp, fp: want.fp, fn: want.fn });
  expectClose(got.sensitivity, want.sensitivity, `${what} sensitivity`);
  expectClose(got.fppi, want.fppi, `${what} fppi`);
  expectClose(got.precision, want.precision, `${what} precision`);
}

function expectFrocRates(
  got: Froc,
  want: { sensitivity_at_fppi: (number | null)[]; cpm: number | null },
): void {
  expect(got.sensitivityAtRates).toHaveLength(want.sensitivity_at_fppi.length);
  want.sensitivity_at_fppi.forEach((s, i) =>
    expectClose(got.sensitivityAtRates[i], s, `sensitivity at rate ${i}`),
  );
  expectClose(got.cpm, want.cpm, 'cpm');
}

it('finds all eight golden cases', () => {
  expect(cases.map((c) => c.case_id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `case-0${i}`));
});

describe.each(cases.map((c) => [`${c.case_id} ${c.case_name}`, c] as const))('%s', (_, c) => {
  const input = goldenInput(c);
  const out = c.outputs;
  const settings = (over: Partial<EvalSettings>): EvalSettings => ({ ...DEFAULT_EVAL_SETTINGS, ...over });

  it('counts', () => {
    const e = evaluate(input);
    const withGt = new Set(input.groundTruth.image);
    const withPred = new Set(input.predictions.image);
    const neither = input.images.filter((_, i) => !withGt.has(i) && !withPred.has(i)).length;
    expect({
      num_images: e.numImages,
      num_patients: e.numPatients,
      num_gt: e.overall.froc.numGt,
      num_predictions: e.overall.froc.numDetections,
      num_images_with_gt: withGt.size,
      num_images_with_predictions: withPred.size,
      num_images_without_gt_and_predictions: neither,
    }).toEqual(out.counts);
  });

  it('matches every prediction to the same ground-truth box (IoU 0.1, no cap)', () => {
    const { predictionMatch } = matchPredictions(input, 0.1);
    const got = Array.from(predictionMatch, (g, k) => ({ prediction_id: k + 1, matched_gt_id: g + 1 }));
    expect(got).toEqual(out['matches_at_iou_0.1']);
  });

  it('AP (COCO 101-point) and max recall with maxDets 100 and 1000', () => {
    for (const cap of [100, 1000] as const) {
      const e = evaluate(input, settings({ maxDetectionsAp: cap }));
      const ap = e.perLabel[0]!.ap;
      expectClose(ap.ap101, out.ap_coco101[`maxdets_${cap}`], `ap maxdets ${cap}`);
      expectClose(ap.maxRecall, out.ap_coco101[`max_recall_maxdets_${cap}`], `max recall maxdets ${cap}`);
      expectClose(e.overall.mAP, out.ap_coco101[`maxdets_${cap}`], `mAP maxdets ${cap}`);
    }
  });

  it('operating points at confidence 0.1 and 0.5 (evaluate and prepared)', () => {
    const prepared = prepareEvaluation(input, 0.1);
    for (const want of out.operating_points) {
      const e = evaluate(input, settings({ scoreThreshold: want.score_threshold }));
      expectOperatingPoint(e.overall.operatingPoint, want, `evaluate @${want.score_threshold}`);
      expectOperatingPoint(e.perLabel[0]!.operatingPoint, want, `label @${want.score_threshold}`);
      expectOperatingPoint(
        prepared.operatingPoint(want.score_threshold),
        want,
        `prepared @${want.score_threshold}`,
      );
    }
  });

  it('FROC: sensitivity at 1/8 … 8 FPPI, CPM, totals and the curve at every distinct score', () => {
    const e = evaluate(input);
    const froc = e.overall.froc;
    expect(out.froc.fppi_thresholds).toEqual(DEFAULT_EVAL_SETTINGS.frocRates);
    expectFrocRates(froc, out.froc);
    expect({ numGt: froc.numGt, numDetections: froc.numDetections, numMatched: froc.numMatched }).toEqual({
      numGt: out.froc.num_gt,
      numDetections: out.froc.num_detections,
      numMatched: out.froc.num_matched,
    });
    const want = out.froc.curve_all_thresholds;
    expect(froc.curve).toHaveLength(want.fppi.length);
    froc.curve.forEach((point, i) => {
      expectClose(point.fppi, want.fppi[i]!, `curve[${i}].fppi`);
      expectClose(point.sensitivity, want.sensitivity[i]!, `curve[${i}].sensitivity`);
      // The first point's threshold is a sentinel (highest score + 1 here, +∞ in newer scikit-learn).
      if (i > 0) expectClose(point.score, want.score_thresholds[i]!, `curve[${i}].score`);
    });
  });

  it('FROC with the AP cap set is unchanged (FROC uses no cap; the reference gives the same at 100)', () => {
    const e = evaluate(input, settings({ maxDetectionsAp: 100 }));
    expectFrocRates(e.overall.froc, out.froc_maxdets_100);
  });
});

it('reproduces the references bit for bit (AP, operating points, FROC and CPM)', () => {
  for (const c of cases) {
    const input = goldenInput(c);
    for (const cap of [100, 1000] as const) {
      const e = evaluate(input, { ...DEFAULT_EVAL_SETTINGS, maxDetectionsAp: cap });
      expect(e.perLabel[0]!.ap.ap101, `${c.case_id} ap ${cap}`).toBe(c.outputs.ap_coco101[`maxdets_${cap}`]);
    }
    const froc = evaluate(input).overall.froc;
    expect(froc.sensitivityAtRates, c.case_id).toEqual(c.outputs.froc.sensitivity_at_fppi);
    expect(froc.cpm, c.case_id).toBe(c.outputs.froc.cpm);
    expect(froc.curve.map((p) => p.fppi)).toEqual(c.outputs.froc.curve_all_thresholds.fppi);
    expect(froc.curve.map((p) => p.sensitivity)).toEqual(c.outputs.froc.curve_all_thresholds.sensitivity);
    for (const want of c.outputs.operating_points) {
      const op = evaluate(input, { ...DEFAULT_EVAL_SETTINGS, scoreThreshold: want.score_threshold }).overall
        .operatingPoint;
      expect([op.sensitivity, op.fppi, op.precision]).toEqual([want.sensitivity, want.fppi, want.precision]);
    }
  }
});
