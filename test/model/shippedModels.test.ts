// The demo models shipped in resources/models (made by training/demo-models.sh): the four of the
// paper's comparison, each a valid model for our engine with its manifest beside it and embedded, and
// its model card naming its file's hash and giving its Table-1 metrics; all four within 40 MB.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkGraph } from '../../src/main/model/checkGraph';
import { findManifest } from '../../src/main/model/manifestSource';
import { readOnnxGraph } from '../../src/main/model/onnxGraph';
import { MANIFEST_METADATA_KEY, parseManifest } from '../../src/shared/model/manifest';

const DIR = resolve('resources/models');
const NAMES = ['resnet50', 'resnet152'].flatMap((b) =>
  ['1slice', '3slice'].map((f) => `retinanet-${b}-w12-${f}`),
);
const BUDGET_BYTES = 40 * 1024 * 1024;

describe('shipped demo models', () => {
  const onnx = readdirSync(DIR)
    .filter((f) => f.endsWith('.onnx'))
    .sort();

  it('are the four: {1-slice, 3-slice} × {ResNet50, ResNet152}, within 40 MB in all', () => {
    expect(onnx).toEqual([...NAMES].sort().map((n) => `${n}.onnx`));
    const total = onnx.reduce((sum, f) => sum + statSync(join(DIR, f)).size, 0);
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  describe.each(NAMES)('%s', (name) => {
    const file = join(DIR, `${name}.onnx`);

    it('loads: sidecar manifest = embedded manifest, matching its graph and its name', () => {
      const bytes = readFileSync(file);
      const graph = readOnnxGraph(bytes);
      const { manifest } = findManifest(file, graph.metadata);
      expect(parseManifest(JSON.parse(graph.metadata[MANIFEST_METADATA_KEY] ?? 'null'))).toEqual(manifest);
      expect(manifest.name).toBe(name);
      expect(manifest.backbone).toMatch(name.includes('resnet152') ? /^ResNet152/ : /^ResNet50/);
      expect(manifest.input.channels).toEqual(
        name.endsWith('3slice') ? ['z-1', 'z', 'z+1'] : ['z', 'z', 'z'],
      );
      expect(manifest.input).toMatchObject({
        size: 128,
        pixelSpacingMm: 0.695,
        window: { level: 140, width: 400 },
      });
      expect(manifest.classNames).toEqual(['DVT']);
      expect(checkGraph(manifest, graph).fixedBatch).toBeNull();
    });

    it('has its model card: the file it describes, how to reproduce it, its metrics', () => {
      const card = readFileSync(join(DIR, `${name}.md`), 'utf8');
      const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
      expect(card).toContain(`# Model card: ${name}`);
      expect(card).toContain(sha);
      expect(card).toContain('Research use only');
      expect(card).toMatch(/Reproduce: `bash training\/demo-models\.sh .*/);
      expect(card).toMatch(/\| sensitivity \| [0-9.e-]+ \| [0-9.e-]+ – [0-9.e-]+ \|/);
      expect(card).toMatch(/\| false positives per image \| [0-9.e-]+ \|/);
      expect(card).toMatch(/seed 20250601, 20 patients/);
    });
  });
});
