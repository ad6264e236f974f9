// COCO files in: a ground-truth JSON (images, annotations, categories) and a results JSON (a list of
// detections), as pycocotools' COCO and COCO.loadRes read them, to an evaluation input. Boxes are
// [x, y, width, height] in continuous pixels; images are ordered by ascending id (COCOeval's order, which
// breaks AP's score ties), annotations and results keep their listed order within an image.
// Any malformed or inconsistent field throws an Error naming it.
import { z } from 'zod';
import { evalInput } from './input';
import type { Corners, EvalGroundTruth, EvalImage, EvalInput, EvalPrediction } from './types';

const CocoBox = z.tuple([z.number(), z.number(), z.number().nonnegative(), z.number().nonnegative()], {
  error: 'expected [x, y, width, height]',
});
const CocoId = z.number().int();

const CocoGroundTruth = z.object({
  images: z.array(
    z.object({
      id: CocoId,
      file_name: z.string().optional(),
      patient_id: z.union([z.string(), z.number()]).optional(),
    }),
  ),
  annotations: z.array(
    z.object({
      id: z.number(),
      image_id: CocoId,
      category_id: CocoId,
      bbox: CocoBox,
      iscrowd: z.literal(0, { error: 'crowd annotations are not supported' }).optional(),
    }),
  ),
  categories: z.array(z.object({ id: CocoId, name: z.string() })).min(1),
});

const CocoResults = z.array(
  z.object({ image_id: CocoId, category_id: CocoId, bbox: CocoBox, score: z.number() }),
  { error: 'expected a list of detections' },
);

export function cocoToEvalInput(gt: unknown, results: unknown): EvalInput {
  const truth = parse(CocoGroundTruth, gt, 'COCO ground truth');
  const detections = parse(CocoResults, results, 'COCO results');

  const images = [...truth.images].sort((a, b) => a.id - b.id);
  const imageIndex = new Map<number, number>();
  images.forEach((img, i) => {
    if (imageIndex.has(img.id)) throw new Error(`COCO ground truth: images: id ${img.id} is listed twice`);
    imageIndex.set(img.id, i);
  });
  const categories = [...truth.categories].sort((a, b) => a.id - b.id);
  const categoryName = new Map<number, string>();
  const names = new Set<string>();
  for (const c of categories) {
    if (categoryName.has(c.id)) throw new Error(`COCO ground truth: categories: id ${c.id} is listed twice`);
    if (names.has(c.name)) throw new Error(`COCO ground truth: categories: name "${c.name}" is listed twice`);
    categoryName.set(c.id, c.name);
    names.add(c.name);
  }

  const explicitPatients = new Set(
    truth.images.flatMap((img) => (img.patient_id === undefined ? [] : [String(img.patient_id)])),
  );
  const evalImages: EvalImage[] = images.map((img) => {
    if (img.patient_id !== undefined) return { key: String(img.id), patientId: String(img.patient_id) };
    // Without a patient, an image is its own patient (its id); it must not merge into a listed one.
    if (explicitPatients.has(String(img.id))) {
      throw new Error(
        `COCO ground truth: image ${img.id} has no patient_id and its id is another image's patient_id`,
      );
    }
    return { key: String(img.id), patientId: String(img.id) };
  });

  const refs = (imageId: number, categoryId: number, where: string): { image: number; label: string } => {
    const image = imageIndex.get(imageId);
    if (image === undefined)
      throw new Error(`${where}.image_id: ${imageId} is not an image of the ground truth`);
    const label = categoryName.get(categoryId);
    if (label === undefined) throw new Error(`${where}.category_id: ${categoryId} is not a category`);
    return { image, label };
  };
  const corners = (b: readonly [number, number, number, number]): Corners => [
    b[0],
    b[1],
    b[0] + b[2],
    b[1] + b[3],
  ];

  const groundTruth: EvalGroundTruth[] = truth.annotations.map((a, i) => ({
    ...refs(a.image_id, a.category_id, `COCO ground truth: annotations[${i}]`),
    box: corners(a.bbox),
  }));
  const predictions: EvalPrediction[] = detections.map((d, i) => ({
    ...refs(d.image_id, d.category_id, `COCO results: [${i}]`),
    box: corners(d.bbox),
    score: d.score,
  }));
  return evalInput(evalImages, [...names], groundTruth, predictions);
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const shown = issues
    .slice(0, 5)
    .map((issue) => `${formatPath(issue.path) || '(top level)'}: ${issue.message}`)
    .join('; ');
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  throw new Error(`${what} is invalid: ${shown}${more}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`))
    .join('');
}
