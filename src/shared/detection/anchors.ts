import type { AnchorSettings } from '../model/manifest';

/** Anchors of one input, concatenated over pyramid levels: level, then cell (y, then x), then anchor. */
export interface Anchors {
  /** N·4: x1, y1, x2, y2 in model-input pixels. */
  anchors: Float32Array;
  /** Anchors per level (cells × anchors per cell); they sum to N. */
  perLevel: number[];
}

/** Settings as written (a manifest's parsed anchors, or a literal without the defaulted fields). */
export type AnchorInput = Omit<AnchorSettings, 'scaledSizes'> & Partial<Pick<AnchorSettings, 'scaledSizes'>>;

export interface AnchorOptions {
  /**
   * torchvision only: how sizes[i] · scale becomes an anchor size. torchvision's own
   * retinanet_resnet50_fpn truncates it (`int(x * 2 ** (1 / 3))`: 32, 40, 50, 64, 80, 101, …);
   * an AnchorGenerator given the products keeps them exact. Overrides `settings.scaledSizes`.
   */
  scaledSizes?: 'exact' | 'truncate';
}

const f = Math.fround;

/** Cells per side of each level: ceil(input / stride), the size of the feature map. */
export function gridSizes(settings: AnchorInput, inputSize: number): number[] {
  return settings.strides.map((s) => Math.ceil(inputSize / s));
}

/** torch.round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * torchvision AnchorGenerator.generate_anchors (0.14), in float32 as torch computes it: ratio-major,
 * zero-centred, rounded to whole pixels.
 */
function torchvisionCell(size: number, s: AnchorInput, truncate: boolean): number[] {
  const scales = s.scales.map((k) => f(truncate ? Math.trunc(size * k) : size * k));
  const out: number[] = [];
  for (const ratio of s.aspectRatios) {
    const h = f(Math.sqrt(f(ratio)));
    const w = f(1 / h);
    for (const scale of scales) {
      const ws = f(w * scale);
      const hs = f(h * scale);
      out.push(roundHalfEven(-ws / 2), roundHalfEven(-hs / 2), roundHalfEven(ws / 2), roundHalfEven(hs / 2));
    }
  }
  return out;
}

/**
 * keras-retinanet utils/anchors.py generate_anchors: ratio-major (np.tile(scales, …) /
 * np.repeat(ratios, …)), exact, zero-centred; ratios and scales are float32 arrays there
 * (AnchorParameters) and the Anchors layer keeps the result as a float32 variable.
 */
function kerasCell(size: number, s: AnchorInput): number[] {
  const out: number[] = [];
  for (const r of s.aspectRatios) {
    const ratio = f(r);
    for (const k of s.scales) {
      const side = f(size * f(k));
      const w = Math.sqrt((side * side) / ratio);
      const h = w * ratio;
      out.push(f(-w * 0.5), f(-h * 0.5), f(w - w * 0.5), f(h - h * 0.5));
    }
  }
  return out;
}

/**
 * The anchors of a RetinaNet for a square input of `inputSize` pixels.
 *
 * torchvision (AnchorGenerator.grid_anchors): cell anchors at x · stride with stride = input //
 * grid (integer division, as AnchorGenerator.forward derives it). keras-retinanet
 * (utils/anchors.py shift, backend/common.py shift): at (x + 0.5) · stride with the given stride.
 */
export function generateAnchors(
  settings: AnchorInput,
  inputSize: number,
  options: AnchorOptions = {},
): Anchors {
  if (settings.sizes.length !== settings.strides.length) {
    throw new Error(`anchors: ${settings.sizes.length} sizes but ${settings.strides.length} strides`);
  }
  const torchvision = settings.convention === 'torchvision';
  const grids = gridSizes(settings, inputSize);
  const cells = settings.sizes.map((size) =>
    torchvision
      ? torchvisionCell(size, settings, (options.scaledSizes ?? settings.scaledSizes) === 'truncate')
      : kerasCell(size, settings),
  );
  const perCell = settings.scales.length * settings.aspectRatios.length;
  const perLevel = grids.map((g) => g * g * perCell);
  const anchors = new Float32Array(perLevel.reduce((a, b) => a + b, 0) * 4);
  let o = 0;
  grids.forEach((grid, level) => {
    const stride = torchvision ? Math.floor(inputSize / grid) : settings.strides[level]!;
    const offset = torchvision ? 0 : 0.5;
    const cell = cells[level]!;
    for (let y = 0; y < grid; y++) {
      const sy = (y + offset) * stride;
      for (let x = 0; x < grid; x++) {
        const sx = (x + offset) * stride;
        for (let a = 0; a < cell.length; a += 4) {
          anchors[o++] = sx + cell[a]!;
          anchors[o++] = sy + cell[a + 1]!;
          anchors[o++] = sx + cell[a + 2]!;
          anchors[o++] = sy + cell[a + 3]!;
        }
      }
    }
  });
  return { anchors, perLevel };
}
