// COCO detection JSON out and in. Images are slices (extra fields: the DICOM UIDs, the slice index, the
// patient and fold), boxes are [x, y, width, height] in continuous pixels of the slice (COCO's and ours
// share the origin: the top-left corner of the first pixel), categories are the set's labels (ids from
// 1). An annotation carries its reader as an extra field. The evaluator's COCO reader
// (shared/evaluation/coco.ts) reads these files too.
import { z } from 'zod';
import type { AnnotationSet } from './annotationSet';
import type { ExportImage } from './exportImages';
import { sopOfImagePath } from './exportImages';
import type { ImportBatch, ImportBox } from './importBatch';
import { zodPlace } from './zodPlace';

export function writeCoco(set: AnnotationSet, images: readonly ExportImage[]): string {
  const categories = set.labels.map((name, i) => ({ id: i + 1, name, supercategory: 'finding' }));
  const categoryOf = new Map(set.labels.map((l, i) => [l.toLowerCase(), i + 1]));
  const foldOf = new Map(set.patients.map((p) => [p.id, p.fold]));
  let annotationId = 0;
  const annotations = images.flatMap((img) =>
    img.boxes.map((b) => {
      const { x1, y1, x2, y2 } = b.box;
      return {
        id: ++annotationId,
        image_id: img.id,
        category_id: categoryOf.get(b.label.toLowerCase())!,
        bbox: [x1, y1, x2 - x1, y2 - y1],
        area: (x2 - x1) * (y2 - y1),
        iscrowd: 0,
        reader: b.reader,
      };
    }),
  );
  const doc = {
    info: {
      description: 'DVT Workstation annotation export',
      version: String(set.version),
      date_created: set.exportedAt,
      contributor: set.generator,
      deidentified: set.deidentified,
    },
    licenses: [],
    images: images.map((img) => ({
      id: img.id,
      file_name: img.file,
      width: img.series.cols,
      height: img.series.rows,
      patient_id: img.series.patientId,
      fold: foldOf.get(img.series.patientId) ?? null,
      study_instance_uid: img.series.studyInstanceUid,
      series_instance_uid: img.series.seriesInstanceUid,
      sop_instance_uid: img.sopInstanceUid,
      slice_index: img.sliceIndex,
    })),
    annotations,
    categories,
  };
  return JSON.stringify(doc, null, 1);
}

const CocoFile = z.object({
  images: z.array(
    z.object({
      id: z.number().int(),
      file_name: z.string().optional(),
      sop_instance_uid: z.string().optional(),
      series_instance_uid: z.string().optional(),
    }),
  ),
  annotations: z.array(
    z.object({
      id: z.number().optional(),
      image_id: z.number().int(),
      category_id: z.number().int(),
      bbox: z.tuple([z.number(), z.number(), z.number().positive(), z.number().positive()], {
        error: 'expected [x, y, width, height] with a positive width and height',
      }),
      reader: z.string().optional(),
    }),
  ),
  categories: z.array(z.object({ id: z.number().int(), name: z.string().trim().min(1) })).min(1),
});

export function readCoco(json: unknown, file: string): ImportBatch {
  const parsed = CocoFile.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: not a COCO detection file (${zodPlace(parsed.error)})`);
  const coco = parsed.data;
  const images = new Map<number, { sop: string; series: string | null }>();
  coco.images.forEach((img, i) => {
    const where = `${file}: images[${i}]`;
    if (images.has(img.id)) throw new Error(`${where}: image id ${img.id} is listed twice`);
    const sop = img.sop_instance_uid ?? (img.file_name !== undefined ? sopOfImagePath(img.file_name) : null);
    if (!sop)
      throw new Error(`${where}: names no slice (no sop_instance_uid, and file_name is not <SOP UID>.png)`);
    images.set(img.id, { sop, series: img.series_instance_uid ?? null });
  });
  const labels = new Map<number, string>();
  coco.categories.forEach((c, i) => {
    if (labels.has(c.id)) throw new Error(`${file}: categories[${i}]: id ${c.id} is listed twice`);
    labels.set(c.id, c.name);
  });
  const boxes: ImportBox[] = coco.annotations.map((a, i) => {
    const place = `annotations[${i}]`;
    const image = images.get(a.image_id);
    if (!image) throw new Error(`${file}: ${place}: image_id ${a.image_id} is not an image of the file`);
    const label = labels.get(a.category_id);
    if (label === undefined)
      throw new Error(`${file}: ${place}: category_id ${a.category_id} is not a category`);
    const [x, y, w, h] = a.bbox;
    return {
      place,
      reader: a.reader ?? null,
      sopInstanceUid: image.sop,
      seriesInstanceUid: image.series,
      label,
      box: { space: 'dicom-pixel', x1: x, y1: y, x2: x + w, y2: y + h },
      createdAt: null,
      updatedAt: null,
    };
  });
  return {
    format: 'coco',
    source: file,
    labels: [...labels.values()],
    boxes,
    cases: [],
    folds: null,
    runs: [],
  };
}
