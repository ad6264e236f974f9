// The patch set of a dataset (the paper's unit: 128×128 patches at 0.695 mm around the iliofemoral
// veins): one window centred on each of the reader's boxes and, where a series has reference truth
// (the synthetic cohort), on each reference vein, so that patches without thrombus are evaluated too,
// as the paper's no-DVT patches were.
import type { CatalogStore } from '../catalog/catalogStore';
import type { Db } from '../db/database';
import { seriesReference } from '../reference/referenceStore';
import type { EvaluationDataset } from '../../shared/evaluation/dataset';
import { patchWindowsAround, type PatchWindow, type SliceGeometry } from '../../shared/evaluation/patches';

export function patchWindowsOf(db: Db, catalog: CatalogStore, dataset: EvaluationDataset): PatchWindow[] {
  const geometry = new Map<string, SliceGeometry>();
  const geometryOf = (image: number): SliceGeometry => {
    const uid = dataset.images[image]!.seriesUid;
    let g = geometry.get(uid);
    if (!g) {
      const s = catalog.series(uid);
      if (!s) throw new Error(`series ${uid} is no longer in this workspace`);
      // Without a stated spacing, the paper's own (0.695 mm) is assumed: 128 pixels.
      g = {
        cols: s.cols,
        rows: s.rows,
        colSpacing: s.col_spacing ?? 0.695,
        rowSpacing: s.row_spacing ?? 0.695,
      };
      geometry.set(uid, g);
    }
    return g;
  };
  const centres: { image: number; x: number; y: number }[] = [];
  const { groundTruth: gt } = dataset;
  for (let i = 0; i < gt.image.length; i++) {
    centres.push({
      image: gt.image[i]!,
      x: (gt.boxes[4 * i]! + gt.boxes[4 * i + 2]!) / 2,
      y: (gt.boxes[4 * i + 1]! + gt.boxes[4 * i + 3]!) / 2,
    });
  }
  const imageOfSop = new Map(dataset.images.map((img, i) => [img.key, i]));
  for (const uid of new Set(dataset.images.map((img) => img.seriesUid))) {
    for (const b of seriesReference(db, uid).boxes) {
      const image = imageOfSop.get(b.sopInstanceUid);
      if (b.kind !== 'vein' || image === undefined) continue;
      centres.push({ image, x: (b.box.x1 + b.box.x2) / 2, y: (b.box.y1 + b.box.y2) / 2 });
    }
  }
  return patchWindowsAround(centres, geometryOf);
}
