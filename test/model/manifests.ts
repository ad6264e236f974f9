// Manifests for tests, built from the schema's own defaults (the paper's preprocessing).
import {
  ANCHOR_RATIOS,
  ANCHOR_SCALES,
  DEFAULT_POSTPROCESS,
  IMAGENET_MEAN,
  IMAGENET_STD,
  ModelManifest,
  PYRAMID_SIZES,
  PYRAMID_STRIDES,
  type ModelManifestInput,
} from '../../src/shared/model/manifest';

export function torchvisionRawManifest(overrides: Partial<ModelManifestInput> = {}): ModelManifestInput {
  return {
    schemaVersion: 1,
    name: 'tv-raw',
    backbone: 'ResNet50',
    classNames: ['DVT'],
    input: {
      name: 'images',
      layout: 'NCHW',
      size: 128,
      slices: 3,
      channels: ['z-1', 'z', 'z+1'],
      pixelSpacingMm: 0.695,
      window: { level: 140, width: 400 },
      scale: 1,
      mean: IMAGENET_MEAN,
      std: IMAGENET_STD,
    },
    output: { kind: 'torchvision-raw', classLogits: 'cls_logits', boxRegression: 'bbox_regression' },
    anchors: {
      convention: 'torchvision',
      sizes: PYRAMID_SIZES,
      strides: PYRAMID_STRIDES,
      scales: ANCHOR_SCALES,
      aspectRatios: ANCHOR_RATIOS,
    },
    boxCoding: { kind: 'torchvision', weights: [1, 1, 1, 1] },
    postprocess: DEFAULT_POSTPROCESS,
    defaultScoreThreshold: 0.1,
    ...overrides,
  };
}

export const parsedManifest = (m: ModelManifestInput): ModelManifest => ModelManifest.parse(m);
