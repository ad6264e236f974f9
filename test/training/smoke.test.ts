// The Python training pipeline (training/dvt_training) end to end, seen from the workstation: a tiny
// synthetic patch set (checked against our zod schema), a few training steps of a width-8 ResNet50-FPN
// per input form, and the exported model loaded by our engine. onnxruntime must reproduce PyTorch's
// raw outputs on the same patches, our box decoder torchvision's, and the test run must be an
// annotation set `dvt import-annotations` accepts, naming the model by the SHA-256 of its bytes.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession } from '../../src/main/inference/ortSession';
import { checkGraph } from '../../src/main/model/checkGraph';
import { findManifest } from '../../src/main/model/manifestSource';
import { readOnnxGraph } from '../../src/main/model/onnxGraph';
import { decodeOutputs, decodeTorchvision, generateAnchors } from '../../src/shared/detection';
import { AnnotationSet, migrateAnnotationSet } from '../../src/shared/exchange/annotationSet';
import { PatchSetManifest } from '../../src/shared/exchange/patchManifest';
import { MANIFEST_METADATA_KEY, parseManifest } from '../../src/shared/model/manifest';
import {
  compareDetections,
  decode,
  inputTensor,
  maxAbsDiff,
  readExpected,
} from '../inference/referenceFiles';

const PYTHON = '/usr/bin/python3';
const TRAINING = resolve('training');
const FORMS = ['3slice', '1slice'] as const;
const SET = '--patients 5 --k 5 --per-patient 4';
// Fold 0 tested, a width-8 ResNet50 with a 16-channel FPN, 3 steps: about 6 s per form on 2 cores.
const TINY =
  '--backbone resnet50 --fold 0 --epochs 1 --max-steps 3 --width 8 --fpn-channels 16 --threads 2 --expected 2';

const SMALL_ANCHORS = [8, 16, 32, 64, 128];

function python(args: string[]): void {
  const r = spawnSync(PYTHON, args, {
    cwd: TRAINING,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: TRAINING, PYTHONDONTWRITEBYTECODE: '1' },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) {
    throw new Error(`python ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  }
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8')) as unknown;
}

describe('training pipeline → engine', { timeout: 90_000 }, () => {
  let dir = '';
  const patches = (): string => join(dir, 'patches');
  const run = (form: string): string => join(dir, `run-${form}`);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dvt-training-'));
    python(['-m', 'dvt_training.testing', '--out', patches(), ...SET.split(' ')]);
    for (const form of FORMS) {
      python([
        '-m',
        'dvt_training.train',
        '--patches',
        patches(),
        '--out',
        run(form),
        '--input',
        form,
        ...TINY.split(' '),
        // The 1-slice model also takes smaller anchors (as the demo models do), so the engine's anchor
        // generation from the manifest is checked against torchvision's for both.
        ...(form === '1slice' ? ['--anchor-sizes', SMALL_ANCHORS.join(',')] : []),
      ]);
    }
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the synthetic patch set passes the workstation's patch-set schema", () => {
    const m = PatchSetManifest.parse(readJson(join(patches(), 'manifest.json')));
    expect(m.patches.length).toBe(20);
    expect(new Set(m.patients.map((p) => p.fold)).size).toBe(5);
  });

  describe.each(FORMS)('%s model', (form) => {
    it('loads with a valid manifest (sidecar = embedded) that matches the graph', () => {
      const onnx = join(run(form), 'model.onnx');
      const graph = readOnnxGraph(readFileSync(onnx));
      const { manifest } = findManifest(onnx, graph.metadata);
      const embedded = parseManifest(JSON.parse(graph.metadata[MANIFEST_METADATA_KEY] ?? 'null'));
      expect(embedded).toEqual(manifest);
      expect(manifest.name).toBe(`retinanet-resnet50-w8-fpn16-${form}-fold0`);
      expect(manifest.input.channels).toEqual(form === '3slice' ? ['z-1', 'z', 'z+1'] : ['z', 'z', 'z']);
      expect(manifest.input.slices).toBe(form === '3slice' ? 3 : 1);
      expect(manifest.anchors?.sizes).toEqual(form === '1slice' ? SMALL_ANCHORS : [32, 64, 128, 256, 512]);
      expect(checkGraph(manifest, graph).fixedBatch).toBeNull();
    });

    it("gives PyTorch's outputs, boxes and detections on the same patches", async () => {
      const onnx = join(run(form), 'model.onnx');
      const { manifest } = findManifest(onnx, readOnnxGraph(readFileSync(onnx)).metadata);
      const expectedFile = join(run(form), 'expected.json');
      const expected = readExpected(expectedFile);
      const { data, dims, batch } = inputTensor(expectedFile, expected, manifest);
      expect(batch).toBe(2);

      const session = await openSession(onnx, { provider: 'cpu', intraOpThreads: 2 });
      let outputs;
      try {
        outputs = await session.run(manifest.input.name, data, dims);
      } finally {
        await session.release();
      }
      for (const [name, want] of Object.entries(expected.outputs)) {
        const got = outputs[name];
        expect(got, name).toBeDefined();
        expect(maxAbsDiff(got!.data as Float32Array, decode(want) as Float32Array), name).toBeLessThan(1e-4);
      }

      // Our anchors are torchvision's, and our decoder gives torchvision's boxes at every anchor
      // (a model after 3 steps scores everything near the 0.01 prior, so few or no detections pass 0.05).
      const raw = readJson(expectedFile) as {
        anchors: Parameters<typeof decode>[0];
        decodedBoxes: Parameters<typeof decode>[0][];
        outputs: Record<string, Parameters<typeof decode>[0]>;
      };
      const anchors = generateAnchors(manifest.anchors!, manifest.input.size);
      expect(maxAbsDiff(anchors.anchors, decode(raw.anchors) as Float32Array)).toBe(0);
      const regression = decode(raw.outputs['bbox_regression']!) as Float32Array;
      const perItem = anchors.anchors.length;
      if (manifest.boxCoding?.kind !== 'torchvision') throw new Error('expected torchvision box coding');
      raw.decodedBoxes.forEach((want, i) => {
        const ours = decodeTorchvision(
          regression.subarray(i * perItem, (i + 1) * perItem),
          anchors.anchors,
          manifest.boxCoding as Extract<typeof manifest.boxCoding, { kind: 'torchvision' }>,
        );
        expect(maxAbsDiff(ours, decode(want) as Float32Array), `item ${i} decoded boxes`).toBeLessThan(1e-4);
      });

      const detections = decodeOutputs(manifest, outputs, batch, anchors);
      expected.detections.forEach((want, i) => {
        const c = compareDetections(detections[i]!, want);
        expect(c.count[0], `item ${i}: detections`).toBe(c.count[1]);
        expect(c.labelsEqual).toBe(true);
        if (c.count[0] > 0) {
          expect(c.box, `item ${i}: boxes (px)`).toBeLessThan(1e-3);
          expect(c.score, `item ${i}: scores`).toBeLessThan(1e-5);
        }
      });
    });

    it('writes the test fold as an annotation set with one run per series', () => {
      const doc = AnnotationSet.parse(migrateAnnotationSet(readJson(join(run(form), 'test-run.json'))));
      const patchSet = PatchSetManifest.parse(readJson(join(patches(), 'manifest.json')));
      const testSeries = new Set(
        patchSet.patches.filter((p) => p.fold === 0).map((p) => p.seriesInstanceUid),
      );
      const runs = doc.runs ?? [];
      expect(new Set(runs.map((r) => r.seriesInstanceUid))).toEqual(testSeries);
      const sha = createHash('sha256')
        .update(readFileSync(join(run(form), 'model.onnx')))
        .digest('hex');
      for (const r of runs) {
        expect(r.model).toEqual({ name: `retinanet-resnet50-w8-fpn16-${form}-fold0`, sha256: sha });
        expect(r.providerUsed).toBe('pytorch-cpu');
        for (const p of r.predictions) expect(p.score).toBeGreaterThanOrEqual(0.05);
      }
      expect(doc.labels).toEqual(patchSet.classes);
    });
  });
});
