/**
 * The per-slice pipeline: paint the scene, add quantum noise, blur with the reconstruction kernel, store as 12-bit CT
 * values. Buffers are allocated once per cohort and reused for every slice.
 */
import { BINOMIAL3_NOISE_GAIN, blurBinomial3 } from './blur';
import { addNoise, type NoiseTable } from './noise';
import type { PatientModel } from './patient';
import { deriveSeed, Prng } from './prng';
import { quantizeToStored } from './quantize';
import { createHuImage, type HuImage } from './raster';
import { renderOps, type TaggedBox } from './render';
import { buildSliceOps } from './sliceScene';

export const AIR_HU = -1000;

export interface SliceBuffers {
  img: HuImage;
  scratch: Float32Array;
  spans: Int32Array;
  stored: Uint16Array;
}

export function createSliceBuffers(size: number): SliceBuffers {
  return {
    img: createHuImage(size, size, AIR_HU),
    scratch: new Float32Array(size * size),
    spans: new Int32Array(3 * size),
    stored: new Uint16Array(size * size),
  };
}

export interface RenderOptions {
  /** Cohort noise table; null renders the noiseless (but blurred) image, for tests. */
  noise: NoiseTable | null;
  cohortSeed: number;
}

/**
 * Renders slice `index` (anatomical order) of `model` into `buffers.img` (HU) and `buffers.stored` (stored values) and
 * returns the ground-truth boxes.
 */
export function renderPatientSlice(
  model: PatientModel,
  index: number,
  buffers: SliceBuffers,
  options: RenderOptions,
): TaggedBox[] {
  const rng = new Prng(deriveSeed(options.cohortSeed, 'slice', model.index, index));
  const ops = buildSliceOps({
    p: model.anatomy,
    sections: model.sections[index] ?? [],
    plan: model.plan,
    index,
    d: model.depths[index] ?? 0,
    rng,
  });
  const { img } = buffers;
  img.data.fill(AIR_HU);
  const boxes = renderOps(ops, img, model.mapping, buffers.spans);
  if (options.noise) {
    // Noise goes in before the blur so it picks up the kernel's correlation; scaled so σ after the blur is as drawn.
    addNoise(img, options.noise, model.anatomy.noiseSigma / BINOMIAL3_NOISE_GAIN, rng);
  }
  blurBinomial3(img, buffers.scratch);
  quantizeToStored(img, buffers.stored);
  return boxes;
}
