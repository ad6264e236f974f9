// `dvt eval`, `dvt froc`, `dvt folds` as a researcher scripts them: on COCO files (a golden case of
// ../fixtures/golden-eval converted to COCO) and on a workspace with a reader's boxes and model runs.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reader } from '../../src/shared/annotation/schemas';
import { DEFAULT_EVAL_SETTINGS, evaluate } from '../../src/shared/evaluation';
import { pooledEvalInput, runEvalInput } from '../../src/shared/evaluation/dataset';
import type { RunSummary } from '../../src/shared/inference/schemas';
import { UsageError } from '../../src/main/cli/args';
import { evaluationCommands } from '../../src/main/cli/evaluationCommands';
import { annotationWorkspace, call, type AnnotationFixture } from '../annotation/fixture';

const dvt = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['bin/dvt.mjs', ...args], { encoding: 'utf8', maxBuffer: 256 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
/** A command run in this process, its output as JSON would carry it (main.ts prints the same value). */
async function inProcess<T>(...args: string[]): Promise<T> {
  const [name, ...rest] = args;
  const output = await evaluationCommands[name!]!.run(rest);
  return JSON.parse(JSON.stringify(output)) as T;
}
const json = <T>(r: { code: number | null; stdout: string; stderr: string }): T => {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
};

type Box = [number, number, number, number];
interface GoldenCase {
  inputs: {
    images: { image_id: number; patient_id: string; width: number; height: number }[];
    ground_truth: { id: number; image_id: number; box: Box }[];
    predictions: { id: number; image_id: number; box: Box; score: number }[];
  };
  outputs: {
    counts: { num_images: number; num_patients: number };
    ap_coco101: { maxdets_100: number };
    operating_points: {
      score_threshold: number;
      tp: number;
      fp: number;
      fn: number;
      sensitivity: number | null;
      fppi: number;
      precision: number | null;
    }[];
    froc: {
      sensitivity_at_fppi: (number | null)[];
      cpm: number | null;
      curve_all_thresholds: { fppi: number[]; sensitivity: number[]; score_thresholds: number[] };
    };
  };
}

// Loose shapes of the CLI's JSON, enough for these tests.
interface OperatingPointOut {
  scoreThreshold: number;
  tp: number;
  fp: number;
  fn: number;
  sensitivity: number | null;
  fppi: number;
  precision: number | null;
}
interface EvaluationOut {
  numImages: number;
  numPatients: number;
  perLabel: { label: string; numGt: number; ap: { ap101: number }; froc: { cpm: number | null } }[];
  overall: {
    operatingPoint: OperatingPointOut;
    mAP: number;
    froc: { sensitivityAtRates: (number | null)[]; cpm: number | null; numGt: number; numMatched: number };
  };
}
interface Interval {
  low: number;
  high: number;
}
interface BootstrapOut {
  resamples: number;
  seed: number;
  sensitivity: Interval | null;
  fppi: Interval;
  ap101: Interval | null;
  cpm: Interval | null;
}
interface FileEvalOut {
  gt: string;
  detections: string;
  settings: { iouThreshold: number; scoreThreshold: number };
  images: { count: number; patients: number };
  evaluation: EvaluationOut;
  bootstrap?: BootstrapOut;
}
interface FrocOut {
  numImages: number;
  numGt: number;
  sensitivityAtRates: (number | null)[];
  cpm: number | null;
  curve: { fppi: number; sensitivity: number; score: number }[];
}
interface ImagesOut {
  count: number;
  patients: number;
  series: { seriesUid: string; patientId: string; slices: number }[];
}
interface RunOut {
  runId: number;
  model: string;
  seriesUid: string;
  images: ImagesOut;
  evaluation: EvaluationOut;
  bootstrap?: BootstrapOut;
  crossValidation?: {
    folds: { fold: number; numPatients: number; numImages: number }[];
    sensitivity: { mean: number | null; sd: number | null; n: number };
    cpm: { mean: number | null; sd: number | null; n: number };
  };
}
interface WorkspaceEvalOut {
  reader: Reader;
  settings: { iouThreshold: number; scoreThreshold: number };
  folds?: { k: number; seed: number };
  runs: RunOut[];
  models: (Omit<RunOut, 'runId' | 'seriesUid'> & { runIds: number[] })[];
  notPooled: { model: string; reason: string }[];
}

let dir: string;
const golden = (name: string) =>
  JSON.parse(readFileSync(resolve('test/fixtures/golden-eval', `${name}.json`), 'utf8')) as GoldenCase;

/** A golden case as COCO files: ground truth (with patient_id on images) and results, boxes as [x, y, w, h]. */
function cocoFiles(name: string): { gt: string; detections: string; expected: GoldenCase['outputs'] } {
  const c = golden(name);
  const xywh = ([x1, y1, x2, y2]: Box) => [x1, y1, x2 - x1, y2 - y1];
  const gt = {
    images: c.inputs.images.map((i) => ({
      id: i.image_id,
      file_name: `${i.image_id}.dcm`,
      width: i.width,
      height: i.height,
      patient_id: i.patient_id,
    })),
    annotations: c.inputs.ground_truth.map((g) => ({
      id: g.id,
      image_id: g.image_id,
      category_id: 1,
      bbox: xywh(g.box),
      area: (g.box[2] - g.box[0]) * (g.box[3] - g.box[1]),
      iscrowd: 0,
    })),
    categories: [{ id: 1, name: 'DVT' }],
  };
  const detections = c.inputs.predictions.map((p) => ({
    image_id: p.image_id,
    category_id: 1,
    bbox: xywh(p.box),
    score: p.score,
  }));
  const files = { gt: join(dir, `${name}-gt.json`), detections: join(dir, `${name}-dets.json`) };
  writeFileSync(files.gt, JSON.stringify(gt));
  writeFileSync(files.detections, JSON.stringify(detections));
  return { ...files, expected: c.outputs };
}

const close = (actual: number | null | undefined, expected: number | null) => {
  if (expected === null) expect(actual).toBeNull();
  else expect(Math.abs((actual ?? NaN) - expected)).toBeLessThan(1e-9);
};

let fx: AnnotationFixture;
let runs: RunSummary[];
let reader: Reader;
/** In-process evaluations of the same runs, to compare the CLI with. */
let expectedPerRun: ReturnType<typeof evaluate>[];
let expectedPooled: ReturnType<typeof evaluate>;
let gtPerSeries: number[];

beforeAll(async () => {
  fx = await annotationWorkspace(2, 10);
  dir = fx.root;
  const h = fx.handlers;
  reader = await call(h, 'readers:add', { name: 'Dr A' });
  await call(h, 'readers:add', { name: 'Dr B' });
  const { model } = await call(h, 'models:add', {
    path: resolve('test/fixtures/models/tiny-tv-raw-3slice.onnx'),
  });
  await call(h, 'inference:start', {
    modelIds: [model.id],
    seriesUids: fx.series.map((s) => s.uid),
    params: { provider: 'cpu', stride: 128 },
  });
  await fx.ws.inference.whenIdle();
  runs = await call(h, 'runs:list', {});
  expect(runs.map((r) => r.status)).toEqual(['done', 'done']);
  // Dr A's boxes: copies of each run's best prediction on three slices (sure hits), and on another
  // slice a box of a label the model does not know (a sure miss).
  await call(h, 'labels:set', { labels: ['DVT', 'mimic'] });
  gtPerSeries = [];
  for (const run of runs) {
    const preds = await call(h, 'runs:predictions', { runId: run.id });
    const bySlice = new Map<number, (typeof preds)[number]>();
    for (const p of preds) if (!bySlice.has(p.sliceIndex)) bySlice.set(p.sliceIndex, p);
    const picked = [...bySlice.values()].slice(0, 3);
    expect(picked.length).toBeGreaterThan(0);
    const series = fx.series.find((s) => s.uid === run.seriesUid)!;
    const missSlice = series.sops.find((sop) => !picked.some((p) => p.sopInstanceUid === sop))!;
    await call(h, 'annotations:create', {
      seriesUid: run.seriesUid,
      readerId: reader.id,
      boxes: [
        ...picked.map((p) => ({ sopInstanceUid: p.sopInstanceUid, label: 'DVT', box: p.box })),
        {
          sopInstanceUid: missSlice,
          label: 'mimic',
          box: { space: 'dicom-pixel', x1: 10, y1: 10, x2: 20, y2: 20 },
        },
      ],
    });
    gtPerSeries.push(picked.length + 1);
  }
  const dataset = await call(h, 'evaluation:dataset', { readerId: reader.id, runIds: runs.map((r) => r.id) });
  expectedPerRun = dataset.runs.map((_, i) => evaluate(runEvalInput(dataset, i)));
  expectedPooled = evaluate(pooledEvalInput(dataset, [0, 1]));
  await fx.ws.close();
}, 180_000);

afterAll(() => rmSync(fx.root, { recursive: true, force: true }));

describe('dvt eval on COCO files', () => {
  it('reproduces a golden case (score ties) with the default IoU 0.1 and score 0.1', () => {
    const { gt, detections, expected } = cocoFiles('case-05');
    const out = json<FileEvalOut>(dvt('eval', '--gt', gt, '--detections', detections, '--json'));
    expect(out.gt).toBe(gt);
    expect(out.detections).toBe(detections);
    expect(out.settings).toMatchObject({ iouThreshold: 0.1, scoreThreshold: 0.1 });
    expect(out.images).toEqual({ count: expected.counts.num_images, patients: expected.counts.num_patients });
    const op = expected.operating_points.find((p) => p.score_threshold === 0.1)!;
    const got = out.evaluation.overall.operatingPoint;
    expect([got.tp, got.fp, got.fn]).toEqual([op.tp, op.fp, op.fn]);
    close(got.sensitivity, op.sensitivity);
    close(got.fppi, op.fppi);
    close(got.precision, op.precision);
    expect(out.evaluation.perLabel.map((l) => l.label)).toEqual(['DVT']);
    close(out.evaluation.perLabel[0]!.ap.ap101, expected.ap_coco101.maxdets_100);
    close(out.evaluation.overall.mAP, expected.ap_coco101.maxdets_100);
    expected.froc.sensitivity_at_fppi.forEach((s, i) =>
      close(out.evaluation.overall.froc.sensitivityAtRates[i], s),
    );
    close(out.evaluation.overall.froc.cpm, expected.froc.cpm);
    expect(out.bootstrap).toBeUndefined();
  });

  it('takes another operating point with --score (a golden case of score boundaries)', async () => {
    const { gt, detections, expected } = cocoFiles('case-04');
    const out = await inProcess<FileEvalOut>(
      'eval',
      '--gt',
      gt,
      '--detections',
      detections,
      '--score',
      '0.5',
    );
    const op = expected.operating_points.find((p) => p.score_threshold === 0.5)!;
    const got = out.evaluation.overall.operatingPoint;
    expect(got.scoreThreshold).toBe(0.5);
    expect([got.tp, got.fp, got.fn]).toEqual([op.tp, op.fp, op.fn]);
    close(got.fppi, op.fppi);
    close(got.precision, op.precision);
  });

  it('adds seeded patient-bootstrap intervals with --bootstrap N --seed S', async () => {
    const { gt, detections } = cocoFiles('case-07');
    const args = ['eval', '--gt', gt, '--detections', detections, '--bootstrap', '200', '--seed', '42'];
    const out = await inProcess<FileEvalOut>(...args);
    expect(out.images.patients).toBe(8);
    const b = out.bootstrap!;
    expect(b).toMatchObject({ resamples: 200, seed: 42 });
    const op = out.evaluation.overall.operatingPoint;
    expect(b.fppi.low).toBeLessThanOrEqual(op.fppi);
    expect(b.fppi.high).toBeGreaterThanOrEqual(op.fppi);
    expect(b.fppi.low).toBeLessThan(b.fppi.high);
    expect(b.sensitivity!.low).toBeLessThanOrEqual(b.sensitivity!.high);
    // The same seed gives the same intervals.
    expect((await inProcess<FileEvalOut>(...args)).bootstrap).toEqual(b);
  });

  it('refuses unreadable, non-JSON or malformed files with exit 1, naming the file and the reason', async () => {
    const { gt, detections } = cocoFiles('case-05');
    const notJson = join(dir, 'not-json.json');
    writeFileSync(notJson, '{ "images": [');
    const noCategories = join(dir, 'no-categories.json');
    writeFileSync(noCategories, JSON.stringify({ images: [{ id: 1 }], annotations: [] }));
    const badBox = join(dir, 'bad-box.json');
    writeFileSync(badBox, JSON.stringify([{ image_id: 1, category_id: 1, bbox: [1, 2, 3], score: 0.5 }]));
    const unknownImage = join(dir, 'unknown-image.json');
    writeFileSync(
      unknownImage,
      JSON.stringify([{ image_id: 99, category_id: 1, bbox: [1, 2, 3, 4], score: 0.5 }]),
    );
    const missing = join(dir, 'missing.json');
    const cases: [string, string, string, RegExp][] = [
      [missing, detections, missing, /cannot read it \(ENOENT/],
      [notJson, detections, notJson, /not valid JSON/],
      [noCategories, detections, noCategories, /categories/],
      [gt, notJson, notJson, /not valid JSON/],
      [gt, badBox, badBox, /bbox/],
      [gt, unknownImage, unknownImage, /image_id: 99 is not an image of the ground truth/],
      [gt, missing, missing, /cannot read it/],
    ];
    for (const [g, d, blamed, reason] of cases) {
      for (const command of ['eval', 'froc']) {
        const error = await evaluationCommands[command]!.run(['--gt', g, '--detections', d]).catch(
          (e: unknown) => e,
        );
        expect(error, `${command} ${g} ${d}`).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(UsageError);
        expect((error as Error).message.startsWith(`${blamed}: `)).toBe(true);
        expect((error as Error).message).toMatch(reason);
      }
    }
    // As the shell sees it: exit 1, nothing on stdout, the file and the reason on stderr.
    const r = dvt('eval', '--gt', gt, '--detections', unknownImage);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^dvt eval: .*unknown-image\.json: COCO results: \[0\]\.image_id: 99 is not an image/,
    );
  });
});

describe('dvt froc on COCO files', () => {
  it('prints the whole curve as JSON, as the golden case has it', () => {
    const { gt, detections, expected } = cocoFiles('case-05');
    const out = json<{ iouThreshold: number; froc: FrocOut }>(
      dvt('froc', '--gt', gt, '--detections', detections),
    );
    const want = expected.froc.curve_all_thresholds;
    expect(out.iouThreshold).toBe(0.1);
    expect(out.froc.curve.map((p) => p.fppi)).toEqual(want.fppi);
    expect(out.froc.curve.map((p) => p.sensitivity)).toEqual(want.sensitivity);
    // The first point's threshold is a sentinel; the others are the distinct scores.
    expect(out.froc.curve.slice(1).map((p) => p.score)).toEqual(want.score_thresholds.slice(1));
    close(out.froc.cpm, expected.froc.cpm);
    expect(out.froc.numImages).toBe(5);
  });

  it('prints CSV with --csv', () => {
    const { gt, detections, expected } = cocoFiles('case-05');
    const r = dvt('froc', '--gt', gt, '--detections', detections, '--csv');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    expect(header).toBe('run,model,fppi,sensitivity,score');
    const want = expected.froc.curve_all_thresholds;
    expect(rows).toHaveLength(want.fppi.length);
    rows.forEach((row, i) => {
      const [run, model, fppi, sensitivity, score] = row.split(',');
      expect(run).toBe('');
      expect(model).toBe('case-05-dets.json');
      expect(Number(fppi)).toBe(want.fppi[i]);
      expect(Number(sensitivity)).toBe(want.sensitivity[i]);
      if (i > 0) expect(Number(score)).toBe(want.score_thresholds[i]);
    });
  });
});

describe('dvt eval, dvt froc and dvt folds on a workspace', () => {
  const ws = () => join(fx.root, 'ws');
  const ids = () => runs.map((r) => r.id).join(',');

  it("evaluates each run against the reader's boxes, and the model's runs pooled", () => {
    // Reader names ignore case, as in the app.
    const out = json<WorkspaceEvalOut>(
      dvt('eval', '--workspace', ws(), '--reader', 'dr a', '--runs', ids(), '--json'),
    );
    expect(out.reader).toEqual(reader);
    expect(out.settings).toEqual(DEFAULT_EVAL_SETTINGS);
    expect(out.runs.map((r) => [r.runId, r.model, r.seriesUid])).toEqual(
      runs.map((r) => [r.id, 'tiny-tv-raw-3slice', r.seriesUid]),
    );
    out.runs.forEach((r, i) => {
      expect(r.images).toEqual({
        count: 10,
        patients: 1,
        series: [{ seriesUid: runs[i]!.seriesUid, patientId: expect.any(String) as unknown, slices: 10 }],
      });
      const want = expectedPerRun[i]!;
      expect(r.evaluation.numImages).toBe(10);
      expect(r.evaluation.overall.operatingPoint).toEqual(want.overall.operatingPoint);
      expect(r.evaluation.overall.mAP).toBe(want.overall.mAP);
      expect(r.evaluation.overall.froc.cpm).toBe(want.overall.froc.cpm);
      // The copied boxes are hits, the mimic a miss.
      expect(r.evaluation.overall.froc.numGt).toBe(gtPerSeries[i]);
      expect(r.evaluation.overall.froc.numMatched).toBe(gtPerSeries[i]! - 1);
      expect(r.evaluation.perLabel.map((l) => [l.label, l.numGt])).toEqual([
        ['DVT', gtPerSeries[i]! - 1],
        ['mimic', 1],
      ]);
      expect(r.bootstrap).toBeUndefined();
      expect(r.crossValidation).toBeUndefined();
    });
    expect(out.models).toHaveLength(1);
    const pooled = out.models[0]!;
    expect(pooled.runIds).toEqual(runs.map((r) => r.id));
    expect(pooled.images.count).toBe(20);
    expect(pooled.images.patients).toBe(2);
    expect(pooled.images.series.map((s) => s.seriesUid)).toEqual(runs.map((r) => r.seriesUid));
    expect(pooled.evaluation.overall.operatingPoint).toEqual(expectedPooled.overall.operatingPoint);
    expect(pooled.evaluation.overall.froc.numGt).toBe(gtPerSeries[0]! + gtPerSeries[1]!);
    expect(out.notPooled).toEqual([]);
  });

  it('evaluates against another reader (no boxes) and with other thresholds', () => {
    const out = json<WorkspaceEvalOut>(
      dvt(
        'eval',
        '--workspace',
        ws(),
        '--reader',
        'Dr B',
        '--runs',
        String(runs[0]!.id),
        '--iou',
        '0.5',
        '--score',
        '0',
      ),
    );
    expect(out.settings).toMatchObject({ iouThreshold: 0.5, scoreThreshold: 0 });
    const op = out.runs[0]!.evaluation.overall.operatingPoint;
    expect(op).toMatchObject({ tp: 0, fn: 0, sensitivity: null, fp: runs[0]!.predictionCount });
    expect(out.models).toEqual([]);
  });

  it('adds bootstrap intervals, and cross-validation over the stored folds', async () => {
    await expect(
      inProcess('eval', '--workspace', ws(), '--reader', 'Dr A', '--runs', ids(), '--folds'),
    ).rejects.toThrow(/no folds are assigned in this workspace/);
    expect(await inProcess('folds', '--workspace', ws())).toEqual({ k: null, seed: null, folds: [] });
    const folds = json<{ k: number; seed: number; folds: { patientId: string; fold: number }[] }>(
      dvt('folds', '--workspace', ws(), '--assign', '--k', '2', '--seed', '9', '--json'),
    );
    expect(folds.k).toBe(2);
    expect(folds.seed).toBe(9);
    expect(folds.folds.map((f) => f.fold).sort()).toEqual([0, 1]);
    expect(await inProcess('folds', '--workspace', ws())).toEqual(folds);

    const out = await inProcess<WorkspaceEvalOut>(
      'eval',
      '--workspace',
      ws(),
      '--reader',
      'Dr A',
      '--runs',
      ids(),
      '--folds',
      '--bootstrap',
      '50',
      '--seed',
      '3',
    );
    expect(out.folds).toEqual({ k: 2, seed: 9 });
    const pooled = out.models[0]!;
    expect(pooled.bootstrap).toMatchObject({ resamples: 50, seed: 3 });
    const cv = pooled.crossValidation!;
    expect(cv.folds.map((f) => [f.fold, f.numPatients, f.numImages])).toEqual([
      [0, 1, 10],
      [1, 1, 10],
    ]);
    expect(cv.sensitivity.n).toBe(2);
    // One run is one patient: one fold.
    expect(out.runs[0]!.crossValidation!.folds).toHaveLength(1);
    expect(out.runs[0]!.bootstrap).toMatchObject({ resamples: 50, seed: 3 });
  });

  it('prints FROC curves per run and pooled, as JSON or CSV', () => {
    const out = json<{
      runs: { runId: number; froc: FrocOut }[];
      models: { runIds: number[]; froc: FrocOut }[];
    }>(dvt('froc', '--workspace', ws(), '--reader', 'Dr A', '--runs', ids()));
    expect(out.runs.map((r) => r.runId)).toEqual(runs.map((r) => r.id));
    out.runs.forEach((r, i) => {
      expect(r.froc.curve[0]).toMatchObject({ fppi: 0, sensitivity: 0 });
      expect(r.froc.curve.length).toBe(expectedPerRun[i]!.overall.froc.curve.length);
      expect(r.froc.cpm).toBe(expectedPerRun[i]!.overall.froc.cpm);
    });
    const r = dvt('froc', '--workspace', ws(), '--reader', 'Dr A', '--runs', ids(), '--csv');
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    expect(header).toBe('run,model,fppi,sensitivity,score');
    const count = (run: string) => rows.filter((row) => row.startsWith(`${run},`)).length;
    expect(count(String(runs[0]!.id))).toBe(out.runs[0]!.froc.curve.length);
    expect(count(String(runs[1]!.id))).toBe(out.runs[1]!.froc.curve.length);
    expect(count(runs.map((x) => x.id).join('+'))).toBe(out.models[0]!.froc.curve.length);
    expect(rows.every((row) => row.split(',')[1] === 'tiny-tv-raw-3slice')).toBe(true);
  });

  it('refuses unknown readers and runs (exit 1) and bad usage (exit 2)', async () => {
    const failure = (...args: string[]) =>
      inProcess(...args).then(
        () => {
          throw new Error(`${args.join(' ')} was expected to fail`);
        },
        (e: unknown) => e as Error,
      );
    const noReader = await failure('eval', '--workspace', ws(), '--reader', 'Dr Who', '--runs', ids());
    expect(noReader).not.toBeInstanceOf(UsageError);
    expect(noReader.message).toMatch(/no reader "Dr Who" in this workspace \(readers: Dr A, Dr B\)/);
    const noRun = await failure('froc', '--workspace', ws(), '--reader', 'Dr A', '--runs', '99');
    expect(noRun).not.toBeInstanceOf(UsageError);
    expect(noRun.message).toMatch(/no run 99 in this workspace/);
    expect(
      (await failure('eval', '--workspace', join(fx.root, 'nowhere'), '--reader', 'A', '--runs', '1'))
        .message,
    ).toMatch(/no workspace at/);
    const tooMany = await failure('folds', '--workspace', ws(), '--assign', '--k', '3', '--seed', '1');
    expect(tooMany.message).toBe('3 folds need at least 3 patients; the workspace has 2');

    const usage: string[][] = [
      ['eval'],
      ['eval', '--workspace', ws(), '--reader', 'Dr A'],
      ['eval', '--workspace', ws(), '--runs', ids()],
      ['eval', '--workspace', ws(), '--reader', 'Dr A', '--runs', ids(), '--gt', 'x.json'],
      ['eval', '--workspace', ws(), '--reader', 'Dr A', '--runs', 'one'],
      ['eval', '--workspace', ws(), '--reader', 'Dr A', '--runs', '1,1'],
      ['eval', '--workspace', ws(), '--reader', 'Dr A', '--runs', ids(), '--iou', '0'],
      ['eval', '--workspace', ws(), '--reader', 'Dr A', '--runs', ids(), '--score', '1.5'],
      ['eval', '--workspace', ws(), '--reader', 'Dr A', '--runs', ids(), '--bootstrap', '5'],
      ['eval', '--workspace', ws(), '--reader', 'Dr A', '--runs', ids(), '--seed', '5'],
      ['eval', '--gt', 'a.json', '--detections', 'b.json', '--folds'],
      ['eval', '--gt', 'a.json', '--detections', 'b.json', 'extra'],
      ['froc', '--gt', 'a.json'],
      ['froc', '--gt', 'a.json', '--detections', 'b.json', '--bootstrap', '100'],
      ['folds', '--workspace', ws(), '--assign', '--k', '2'],
      ['folds', '--workspace', ws(), '--k', '2', '--seed', '1'],
      ['folds', '--workspace', ws(), '--assign', '--k', '1', '--seed', '1'],
    ];
    for (const args of usage) expect(await failure(...args), args.join(' ')).toBeInstanceOf(UsageError);
    // As the shell sees them.
    const r = dvt('eval', '--workspace', ws(), '--reader', 'Dr A', '--runs', ids(), '--iou', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^dvt eval: --iou must be a number in \(0, 1\], got 0\nusage: dvt eval /);
    const unknown = dvt('eval', '--workspace', ws(), '--reader', 'Dr Who', '--runs', ids());
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
  });
});
