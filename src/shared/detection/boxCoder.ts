import type { BoxCoding } from '../model/manifest';

export type TorchvisionCoding = Extract<BoxCoding, { kind: 'torchvision' }>;
export type KerasCoding = Extract<BoxCoding, { kind: 'keras-retinanet' }>;

// Each step rounded to float32, as the graphs compute it, so decoded boxes match to the last bits.
const f = Math.fround;

function check(regression: Float32Array, anchors: Float32Array): number {
  if (regression.length !== anchors.length) {
    throw new Error(
      `box decoding: ${regression.length / 4} regression rows for ${anchors.length / 4} anchors`,
    );
  }
  return anchors.length / 4;
}

/**
 * torchvision BoxCoder.decode_single (0.14): centre/size deltas divided by the weights, dw/dh
 * clamped at `clip` before exp. Decodes the anchors listed in `which` (all when omitted); row k of
 * the result is which[k].
 */
export function decodeTorchvision(
  regression: Float32Array,
  anchors: Float32Array,
  coding: TorchvisionCoding,
  which?: ArrayLike<number>,
): Float32Array {
  const count = check(regression, anchors);
  const n = which ? which.length : count;
  const [wx, wy, ww, wh] = coding.weights.map(f) as [number, number, number, number];
  const clip = f(coding.clip);
  const out = new Float32Array(n * 4);
  for (let k = 0; k < n; k++) {
    const i = 4 * (which ? which[k]! : k);
    const width = f(anchors[i + 2]! - anchors[i]!);
    const height = f(anchors[i + 3]! - anchors[i + 1]!);
    const ctrX = f(anchors[i]! + f(0.5 * width));
    const ctrY = f(anchors[i + 1]! + f(0.5 * height));
    const dx = f(regression[i]! / wx);
    const dy = f(regression[i + 1]! / wy);
    const dw = Math.min(f(regression[i + 2]! / ww), clip);
    const dh = Math.min(f(regression[i + 3]! / wh), clip);
    const cx = f(f(dx * width) + ctrX);
    const cy = f(f(dy * height) + ctrY);
    const halfW = f(0.5 * f(f(Math.exp(dw)) * width));
    const halfH = f(0.5 * f(f(Math.exp(dh)) * height));
    out[4 * k] = cx - halfW;
    out[4 * k + 1] = cy - halfH;
    out[4 * k + 2] = cx + halfW;
    out[4 * k + 3] = cy + halfH;
  }
  return out;
}

/**
 * keras-retinanet backend/common.py bbox_transform_inv: each corner moves by (delta · std + mean)
 * times the anchor's width (x) or height (y). Decodes the anchors in `which` (all when omitted).
 */
export function decodeKeras(
  regression: Float32Array,
  anchors: Float32Array,
  coding: KerasCoding,
  which?: ArrayLike<number>,
): Float32Array {
  const count = check(regression, anchors);
  const n = which ? which.length : count;
  const mean = coding.mean.map(f);
  const std = coding.std.map(f);
  const out = new Float32Array(n * 4);
  for (let k = 0; k < n; k++) {
    const i = 4 * (which ? which[k]! : k);
    const width = f(anchors[i + 2]! - anchors[i]!);
    const height = f(anchors[i + 3]! - anchors[i + 1]!);
    for (let c = 0; c < 4; c++) {
      const move = f(f(f(regression[i + c]! * std[c]!) + mean[c]!) * (c % 2 === 0 ? width : height));
      out[4 * k + c] = anchors[i + c]! + move;
    }
  }
  return out;
}
