import { parseOrientation } from '../catalog/seriesSummary';
import type { DicomHeader } from '../dicom';

/** A file that parsed and decoded, waiting to be checked against the others and the catalog. */
export interface Candidate {
  file: string;
  header: DicomHeader;
  hash: string;
  size: number;
  mtimeMs: number;
  huMin: number;
  huMax: number;
  /** The file was in the catalog before (with other content). */
  known: boolean;
}

/** What the catalog holds now (after the entries of changed files were removed). */
export interface CatalogLookups {
  instanceBySop(sopUid: string): { file_path: string } | undefined;
  series(seriesUid: string): { rows: number; cols: number; orientation: string | null } | undefined;
}

export interface Rejected {
  file: string;
  reason: string;
}

const ORIENTATION_TOLERANCE = 1e-4;

function sameOrientation(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((v, i) => Math.abs(v - (b[i] ?? NaN)) <= ORIENTATION_TOLERANCE);
}

/**
 * Decides which candidates may enter the catalog, in file order: a SOP instance UID already taken
 * (by the catalog or an earlier file of this import) is a duplicate, and every slice of a series
 * must share the series' size and orientation (set by the catalog, or by its first file here).
 * Runs inside the import's transaction, so what it reads of the catalog is current.
 */
export function acceptCandidates(
  candidates: readonly Candidate[],
  catalog: CatalogLookups,
): { accepted: Candidate[]; rejected: Rejected[] } {
  const accepted: Candidate[] = [];
  const rejected: Rejected[] = [];
  const sopOwner = new Map<string, string>();
  const shapes = new Map<string, { rows: number; cols: number; orientation: readonly number[] | null }>();
  for (const c of candidates) {
    const h = c.header;
    const owner = sopOwner.get(h.sopInstanceUid) ?? catalog.instanceBySop(h.sopInstanceUid)?.file_path;
    if (owner !== undefined && owner !== c.file) {
      rejected.push({
        file: c.file,
        reason: `duplicate SOPInstanceUID ${h.sopInstanceUid} (already imported from ${owner})`,
      });
      continue;
    }
    const stored = catalog.series(h.seriesInstanceUid);
    const shape =
      shapes.get(h.seriesInstanceUid) ??
      (stored
        ? {
            rows: stored.rows,
            cols: stored.cols,
            orientation: parseOrientation(stored.orientation),
          }
        : undefined);
    if (shape && (shape.rows !== h.rows || shape.cols !== h.columns)) {
      rejected.push({
        file: c.file,
        reason: `slice size ${h.columns}×${h.rows} differs from the series' ${shape.cols}×${shape.rows} (series ${h.seriesInstanceUid})`,
      });
      continue;
    }
    if (shape && !sameOrientation(shape.orientation, h.imageOrientationPatient)) {
      rejected.push({
        file: c.file,
        reason: `ImageOrientationPatient differs from the rest of series ${h.seriesInstanceUid}`,
      });
      continue;
    }
    shapes.set(
      h.seriesInstanceUid,
      shape ?? { rows: h.rows, cols: h.columns, orientation: h.imageOrientationPatient },
    );
    sopOwner.set(h.sopInstanceUid, c.file);
    accepted.push(c);
  }
  return { accepted, rejected };
}
