import { z } from 'zod';

/**
 * The model manifest: everything the engine needs to feed an ONNX detector and read its answer. It
 * lives next to the model (`model.onnx` + `model.json`) or in the ONNX file's `metadata_props`
 * under the key `dvt.manifest`. One schema, versioned; older versions are read through
 * `migrateManifest`.
 */
export const MANIFEST_SCHEMA_VERSION = 1;
export const MANIFEST_METADATA_KEY = 'dvt.manifest';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((v) => v > 0, 'must be positive');
const triple = z.tuple([finite, finite, finite]);

/** Which axial slice feeds a channel: the previous (z−1), current (z) or next (z+1) in series order. */
export const SliceChannel = z.enum(['z-1', 'z', 'z+1']);
export type SliceChannel = z.infer<typeof SliceChannel>;

export const ModelInput = z
  .object({
    /** The graph input's name. */
    name: z.string().min(1),
    /** Tensor layout: torchvision is NCHW, keras-retinanet NHWC. */
    layout: z.enum(['NCHW', 'NHWC']),
    /** Patch side in pixels of the resampled grid (the paper: 128). */
    size: z.number().int().min(16).max(2048),
    /** 1: the current slice repeated into every channel; 3: the 3-slice synthesized image. */
    slices: z.union([z.literal(1), z.literal(3)]),
    /** Source slice of each tensor channel, in tensor channel order (e.g. ['z-1','z','z+1']). */
    channels: z.array(SliceChannel).min(1).max(3),
    /** Pixels are resampled to this spacing (mm) before tiling (the paper: 0.695). */
    pixelSpacingMm: positive,
    /** Window applied to HU; the windowed grey level is 0…255 (see shared/imaging/window.ts). */
    window: z.object({ level: finite, width: finite.refine((w) => w >= 1, 'window width must be ≥ 1') }),
    /** value = (grey / 255 · scale − mean[c]) / std[c]: scale 1 gives 0…1 (torchvision), 255 gives 0…255 (keras caffe). */
    scale: positive,
    mean: triple,
    std: z.tuple([positive, positive, positive]),
  })
  .superRefine((input, ctx) => {
    const { slices, channels } = input;
    if (slices === 1 && channels.some((c) => c !== 'z')) {
      ctx.addIssue({ code: 'custom', path: ['channels'], message: 'a 1-slice model takes only the slice z' });
    }
    if (slices === 3) {
      const distinct = new Set(channels);
      if (channels.length !== 3 || distinct.size !== 3) {
        ctx.addIssue({
          code: 'custom',
          path: ['channels'],
          message: 'a 3-slice model takes z-1, z and z+1, each once',
        });
      }
    }
  });
export type ModelInput = z.infer<typeof ModelInput>;

/** Output names of one batch item of a graph exported with torchvision's postprocessing. */
const PostprocessedImage = z.object({
  boxes: z.string().min(1),
  scores: z.string().min(1),
  labels: z.string().min(1),
});

export const OutputLayout = z.discriminatedUnion('kind', [
  /**
   * (a) torchvision RetinaNet exported with its postprocessing: per batch item, boxes [K,4] (x1,y1,x2,y2
   * in input pixels), scores [K], labels [K] (int64). Its batch size is the number of items.
   */
  z.object({ kind: z.literal('torchvision-postprocessed'), images: z.array(PostprocessedImage).min(1) }),
  /**
   * (b) torchvision's raw heads: class logits [N, A, C] and box regression [N, A, 4], anchors
   * concatenated over levels (level, then y, x, then anchor), decoded by us.
   */
  z.object({
    kind: z.literal('torchvision-raw'),
    classLogits: z.string().min(1),
    boxRegression: z.string().min(1),
  }),
  /**
   * (c) keras-retinanet's raw model: regression [N, A, 4] and classification [N, A, C] (sigmoid
   * probabilities already applied), same anchor order.
   */
  z.object({
    kind: z.literal('keras-retinanet-raw'),
    regression: z.string().min(1),
    classification: z.string().min(1),
  }),
]);
export type OutputLayout = z.infer<typeof OutputLayout>;
export type OutputLayoutKind = OutputLayout['kind'];

/**
 * Anchor boxes. Per pyramid level i: sizes[i] × each of `scales`, each of `aspectRatios` (h/w),
 * on a grid of ceil(input size / strides[i]) cells. The two conventions differ in rounding and
 * centring: torchvision rounds the base anchors and puts them at cell corners (x · stride);
 * keras-retinanet keeps them exact and puts them at cell centres ((x + 0.5) · stride).
 */
export const AnchorSettings = z
  .object({
    convention: z.enum(['torchvision', 'keras-retinanet']),
    sizes: z.array(positive).min(1),
    strides: z.array(z.number().int().positive()).min(1),
    scales: z.array(positive).min(1),
    aspectRatios: z.array(positive).min(1),
    /**
     * How sizes[i] × scale becomes an anchor size: 'exact', or 'truncate' to an integer as
     * torchvision's retinanet_resnet50_fpn builds its defaults (32, 40, 50; 64, 80, 101; …).
     */
    scaledSizes: z.enum(['exact', 'truncate']).default('exact'),
  })
  .refine((a) => a.sizes.length === a.strides.length, 'anchors need one stride per size (pyramid level)');
export type AnchorSettings = z.infer<typeof AnchorSettings>;

export const BoxCoding = z.discriminatedUnion('kind', [
  /** torchvision's BoxCoder: centre/size deltas divided by weights, dw/dh clamped at log(1000/16). */
  z.object({
    kind: z.literal('torchvision'),
    weights: z.tuple([positive, positive, positive, positive]),
    clip: positive.default(Math.log(1000 / 16)),
  }),
  /** keras-retinanet's bbox_transform_inv: corner deltas × std + mean, in units of anchor size. */
  z.object({
    kind: z.literal('keras-retinanet'),
    mean: z.tuple([finite, finite, finite, finite]),
    std: z.tuple([positive, positive, positive, positive]),
  }),
]);
export type BoxCoding = z.infer<typeof BoxCoding>;

/** The model's own postprocessing (torchvision's and keras-retinanet's defaults: 0.05, 1000, 0.5, 300). */
export const PostprocessSettings = z.object({
  /** Candidates below this score are dropped before NMS. */
  scoreThreshold: finite.refine((v) => v >= 0 && v < 1, 'must be in [0, 1)'),
  /** Per pyramid level, the best this many candidates are decoded (torchvision's topk_candidates). */
  topKCandidates: z.number().int().positive(),
  nmsIouThreshold: finite.refine((v) => v > 0 && v <= 1, 'must be in (0, 1]'),
  detectionsPerImage: z.number().int().positive(),
});
export type PostprocessSettings = z.infer<typeof PostprocessSettings>;

export const ModelManifest = z
  .object({
    schemaVersion: z.literal(MANIFEST_SCHEMA_VERSION),
    /** Unique in a workspace; what `dvt infer --model NAME` takes. */
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._+-]*$/,
        'letters, digits and . _ + - only, starting with a letter or digit',
      ),
    description: z.string().max(2000).default(''),
    /** e.g. ResNet50, ResNet152. */
    backbone: z.string().min(1).max(100),
    /**
     * Indexed by the graph's class index: a model trained with label 0 as background (a common
     * torchvision habit) lists 'background' first. Raw heads have one logit per name.
     */
    classNames: z.array(z.string().min(1)).min(1),
    input: ModelInput,
    output: OutputLayout,
    anchors: AnchorSettings.optional(),
    boxCoding: BoxCoding.optional(),
    postprocess: PostprocessSettings,
    /** Detections at or above this score are shown and counted by default (the paper: 0.1). */
    defaultScoreThreshold: finite.refine((v) => v >= 0 && v <= 1, 'must be in [0, 1]'),
    /** Free-form provenance: training data, fold, framework. */
    provenance: z.record(z.string(), z.string()).default({}),
  })
  .superRefine((m, ctx) => {
    if (m.output.kind !== 'torchvision-postprocessed') {
      if (!m.anchors)
        ctx.addIssue({ code: 'custom', path: ['anchors'], message: `${m.output.kind} needs anchors` });
      if (!m.boxCoding)
        ctx.addIssue({ code: 'custom', path: ['boxCoding'], message: `${m.output.kind} needs boxCoding` });
    }
    if (m.input.channels.length !== 1 && m.input.channels.length !== 3) {
      ctx.addIssue({ code: 'custom', path: ['input', 'channels'], message: 'a model has 1 or 3 channels' });
    }
  });
export type ModelManifest = z.infer<typeof ModelManifest>;
export type ModelManifestInput = z.input<typeof ModelManifest>;

/** Reads a manifest of any known version (only version 1 so far), naming what is wrong. */
export function parseManifest(json: unknown): ModelManifest {
  const version =
    typeof json === 'object' && json !== null
      ? (json as { schemaVersion?: unknown }).schemaVersion
      : undefined;
  if (typeof version !== 'number') throw new Error('manifest has no schemaVersion');
  if (version > MANIFEST_SCHEMA_VERSION) {
    throw new Error(
      `manifest schemaVersion ${version} is newer than this app reads (${MANIFEST_SCHEMA_VERSION})`,
    );
  }
  const parsed = ModelManifest.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues
      .slice(0, 4)
      .map((i) => `${i.path.join('.') || '(manifest)'}: ${i.message}`)
      .join('; ');
    throw new Error(`manifest is invalid: ${first}`);
  }
  return parsed.data;
}

/** The defaults of torchvision's RetinaNet and of keras-retinanet (both: 5 levels P3–P7, 9 anchors). */
export const PYRAMID_STRIDES = [8, 16, 32, 64, 128];
export const PYRAMID_SIZES = [32, 64, 128, 256, 512];
export const ANCHOR_SCALES = [1, 2 ** (1 / 3), 2 ** (2 / 3)];
export const ANCHOR_RATIOS = [0.5, 1, 2];
export const DEFAULT_POSTPROCESS: PostprocessSettings = {
  scoreThreshold: 0.05,
  topKCandidates: 1000,
  nmsIouThreshold: 0.5,
  detectionsPerImage: 300,
};
export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];
/** keras-retinanet's 'caffe' preprocessing: BGR means on 0…255. */
export const CAFFE_BGR_MEAN: [number, number, number] = [103.939, 116.779, 123.68];
