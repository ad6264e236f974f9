// The slice images of a whole-slice export (COCO, keras-retinanet CSV, Pascal VOC): which slices are
// written, under which file name, and which boxes each carries. One flat folder `images/`, each slice
// named by its (maybe pseudonymous) SOP instance UID, which is also how an import finds the slice again.
import type { AnnotationSet, SetBox, SetSeries } from './annotationSet';

/** Every slice of the exported series (empty slices are the negatives), or only slices with boxes. */
export type SliceScope = 'all' | 'annotated';

export interface ExportImage {
  /** 1-based, in series then slice order (COCO image ids). */
  id: number;
  /** Relative to the export folder. */
  file: string;
  series: SetSeries;
  sopInstanceUid: string;
  sliceIndex: number;
  boxes: SetBox[];
}

export const IMAGES_DIR = 'images';

export function imageFileOf(sopInstanceUid: string): string {
  return `${IMAGES_DIR}/${sopInstanceUid}.png`;
}

/** The SOP instance UID an image path names (its file stem), or null when it names none. */
export function sopOfImagePath(path: string): string | null {
  const stem = /([0-9.]+)\.(png|jpe?g|tiff?|bmp)$/i.exec(path.replace(/\\/g, '/').split('/').pop() ?? '');
  if (!stem) return null;
  const uid = stem[1]!;
  return /^[0-9]+(\.[0-9]+)+$/.test(uid) ? uid : null;
}

export function exportImages(set: AnnotationSet, scope: SliceScope): ExportImage[] {
  const boxesOf = new Map<string, SetBox[]>();
  for (const b of set.boxes) {
    let list = boxesOf.get(b.sopInstanceUid);
    if (!list) boxesOf.set(b.sopInstanceUid, (list = []));
    list.push(b);
  }
  const images: ExportImage[] = [];
  for (const series of set.series) {
    for (const slice of series.slices) {
      const boxes = boxesOf.get(slice.sopInstanceUid) ?? [];
      if (scope === 'annotated' && boxes.length === 0) continue;
      images.push({
        id: images.length + 1,
        file: imageFileOf(slice.sopInstanceUid),
        series,
        sopInstanceUid: slice.sopInstanceUid,
        sliceIndex: slice.index,
        boxes,
      });
    }
  }
  return images;
}

/** The one reader whose boxes a single-reader format holds; throws when the set has boxes of several. */
export function singleReader(set: AnnotationSet, format: string): string | null {
  const readers = [...new Set(set.boxes.map((b) => b.reader))];
  if (readers.length > 1) {
    throw new Error(
      `${format} holds one reader's boxes; this selection has ${readers.join(', ')} (choose one)`,
    );
  }
  return readers[0] ?? null;
}
