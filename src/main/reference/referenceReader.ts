// The synthetic cohort's reference thrombi as a reader's boxes. The evaluation scores runs against a
// reader; copying the known thrombus boxes of a synthetic cohort to a reader (by default "reference")
// lets the demo workspace, and the training pipeline's test cohort, be evaluated without anyone
// drawing them by hand. Real studies have no reference truth, so this copies nothing there.
import type { ReaderId } from '../../shared/annotation/schemas';
import type { SeriesUid } from '../../shared/ids';
import { REFERENCE_READER_NAME } from '../../shared/reading/constants';
import { annotationsOf } from '../annotation/handlers';
import type { Workspace } from '../workspace/workspace';
import { seriesReference } from './referenceStore';

export { REFERENCE_READER_NAME };

export interface ReferenceReaderResult {
  reader: string;
  readerId: ReaderId;
  /** Series whose reference boxes were copied now. */
  series: number;
  boxes: number;
  /** Series skipped because the reader already has boxes there (a second call adds nothing). */
  skipped: number;
}

/**
 * Copies every series' reference boxes of the given kinds (the thrombi by default) to the reader of
 * that name (created if needed), as label = kind. A series where the reader already has boxes is left
 * as it is, so calling this again, or after the reader corrected a box, changes nothing.
 */
export function copyReferenceToReader(
  ws: Pick<Workspace, 'db' | 'catalog'>,
  readerName = REFERENCE_READER_NAME,
  kinds: readonly string[] = ['DVT'],
): ReferenceReaderResult {
  const annotations = annotationsOf(ws);
  const reader = annotations.addReader(readerName);
  const labels = annotations.labels();
  const missing = kinds.filter((k) => !labels.includes(k));
  if (missing.length > 0) annotations.setLabels([...labels, ...missing]);
  const result: ReferenceReaderResult = {
    reader: reader.name,
    readerId: reader.id,
    series: 0,
    boxes: 0,
    skipped: 0,
  };
  ws.db.transaction(() => {
    for (const uid of ws.catalog.allSeriesUids()) {
      const seriesUid = uid as SeriesUid;
      const wanted = seriesReference(ws.db, uid).boxes.filter((b) => kinds.includes(b.kind));
      if (wanted.length === 0) continue;
      if (annotations.boxesOfSeries(seriesUid).some((b) => b.readerId === reader.id)) {
        result.skipped++;
        continue;
      }
      annotations.createBoxes(
        seriesUid,
        reader.id,
        wanted.map((b) => ({ sopInstanceUid: b.sopInstanceUid, label: b.kind, box: b.box })),
      );
      result.series++;
      result.boxes += wanted.length;
    }
  })();
  return result;
}
