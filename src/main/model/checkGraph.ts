import type { ModelManifest } from '../../shared/model/manifest';
import type { OnnxDim, OnnxGraphInfo, OnnxValueInfo } from './onnxGraph';

/** What the graph fixes that the engine must respect. */
export interface GraphFacts {
  /** The batch size the graph was exported with, or null when it takes any batch. */
  fixedBatch: number | null;
}

/** Anchors a raw-head model predicts for one input: Σ levels ceil(size/stride)² × scales × ratios. */
export function anchorCount(m: ModelManifest): number | null {
  if (!m.anchors) return null;
  const perCell = m.anchors.scales.length * m.anchors.aspectRatios.length;
  return m.anchors.strides.reduce((sum, s) => sum + Math.ceil(m.input.size / s) ** 2 * perCell, 0);
}

function describe(shape: readonly OnnxDim[] | null): string {
  return shape ? `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]` : 'unknown rank';
}

/** A fixed dimension must equal `want`; a symbolic or unknown one is accepted. */
function fits(dim: OnnxDim | undefined, want: number): boolean {
  return typeof dim !== 'number' || dim === want;
}

/**
 * Checks a manifest against the graph it describes and lists every mismatch in one error, so a
 * wrong model is refused with its reasons before anything is stored.
 */
export function checkGraph(m: ModelManifest, g: OnnxGraphInfo): GraphFacts {
  const problems: string[] = [];
  const outputByName = new Map(g.outputs.map((o) => [o.name, o]));
  const input = g.inputs.find((i) => i.name === m.input.name);
  let fixedBatch: number | null = null;

  if (!input) {
    problems.push(
      `the graph has no input "${m.input.name}" (its inputs: ${g.inputs.map((i) => i.name).join(', ') || 'none'})`,
    );
  } else {
    if (g.inputs.length > 1) {
      problems.push(`the graph takes ${g.inputs.length} inputs; a detector takes one image tensor`);
    }
    if (input.elemType !== 'float32')
      problems.push(`input "${input.name}" is ${input.elemType}, not float32`);
    const s = input.shape;
    if (!s || s.length !== 4) {
      problems.push(`input "${input.name}" has shape ${describe(s)}; a detector takes a rank-4 batch`);
    } else {
      const [n, a, b, c] = s;
      const channels = m.input.layout === 'NCHW' ? a : c;
      const [h, w] = m.input.layout === 'NCHW' ? [b, c] : [a, b];
      const want = m.input.layout === 'NCHW' ? 'N, C, H, W' : 'N, H, W, C';
      if (!fits(channels, m.input.channels.length) || !fits(h, m.input.size) || !fits(w, m.input.size)) {
        problems.push(
          `input "${input.name}" has shape ${describe(s)} (${want}); the manifest says ${m.input.channels.length} channels of ${m.input.size}×${m.input.size} in ${m.input.layout}`,
        );
      }
      if (typeof n === 'number') fixedBatch = n;
    }
  }

  const output = (name: string, rank: number): OnnxValueInfo | null => {
    const o = outputByName.get(name);
    if (!o) {
      problems.push(
        `the graph has no output "${name}" (its outputs: ${[...outputByName.keys()].join(', ')})`,
      );
      return null;
    }
    if (o.shape && o.shape.length !== rank) {
      problems.push(`output "${name}" has shape ${describe(o.shape)}; expected rank ${rank}`);
      return null;
    }
    return o;
  };

  const classes = m.classNames.length;
  const anchors = anchorCount(m);
  const headOutput = (name: string, last: number, what: string): void => {
    const o = output(name, 3);
    const s = o?.shape;
    if (!s) return;
    if (!fits(s[1], anchors ?? -1) || !fits(s[2], last)) {
      problems.push(
        `output "${name}" has shape ${describe(s)}; ${what} of this manifest is [N, ${anchors}, ${last}] (${m.anchors?.strides.length} levels × ${(m.anchors?.scales.length ?? 0) * (m.anchors?.aspectRatios.length ?? 0)} anchors per cell at ${m.input.size} px)`,
      );
    }
  };

  switch (m.output.kind) {
    case 'torchvision-postprocessed': {
      for (const image of m.output.images) {
        output(image.boxes, 2);
        output(image.scores, 1);
        output(image.labels, 1);
      }
      const items = m.output.images.length;
      if (fixedBatch !== null && fixedBatch !== items) {
        problems.push(`the graph takes a batch of ${fixedBatch} but the manifest names outputs for ${items}`);
      }
      fixedBatch = items;
      break;
    }
    case 'torchvision-raw':
      headOutput(m.output.classLogits, classes, 'the class logits');
      headOutput(m.output.boxRegression, 4, 'the box regression');
      break;
    case 'keras-retinanet-raw':
      headOutput(m.output.classification, classes, 'the classification');
      headOutput(m.output.regression, 4, 'the regression');
      break;
  }

  if (problems.length > 0) throw new Error(problems.join('; '));
  return { fixedBatch };
}
