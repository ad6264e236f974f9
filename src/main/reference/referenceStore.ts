import type { SeriesReference } from '../../shared/reference/schemas';
import { SeriesReference as SeriesReferenceSchema } from '../../shared/reference/schemas';
import type { Db } from '../db/database';

/** The reference truth of one series, with each box's slice index in anatomical order. */
export function seriesReference(db: Db, seriesUid: string): SeriesReference {
  const patient = db
    .prepare<[string], { has_dvt: number }>(
      'SELECT has_dvt FROM reference_patients WHERE series_uid = ? ORDER BY set_ref DESC LIMIT 1',
    )
    .get(seriesUid);
  const rows = db
    .prepare<
      [string],
      { slice_index: number; sop_uid: string; kind: string; x1: number; y1: number; x2: number; y2: number }
    >(
      `SELECT i.slice_index, b.sop_uid, b.kind, b.x1, b.y1, b.x2, b.y2
         FROM reference_boxes b JOIN instances i ON i.sop_uid = b.sop_uid
        WHERE b.series_uid = ? AND b.set_ref = (SELECT max(set_ref) FROM reference_boxes WHERE series_uid = b.series_uid)
        ORDER BY i.slice_index, b.id`,
    )
    .all(seriesUid);
  return SeriesReferenceSchema.parse({
    hasDvt: patient ? patient.has_dvt === 1 : null,
    boxes: rows.map((r) => ({
      sliceIndex: r.slice_index,
      sopInstanceUid: r.sop_uid,
      kind: r.kind,
      box: { space: 'dicom-pixel', x1: r.x1, y1: r.y1, x2: r.x2, y2: r.y2 },
    })),
  });
}
