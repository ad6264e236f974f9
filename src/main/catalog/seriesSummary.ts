import type { SeriesSummary, Vec3 } from '../../shared/catalog/schemas';
import type { Orientation } from '../../shared/imaging/geometry';
import { SeriesUid, StudyUid } from '../../shared/ids';
import type { CatalogStore, InstanceRow, SeriesRow } from './catalogStore';

export const positionOf = (row: InstanceRow): Vec3 | null =>
  row.pos_x === null || row.pos_y === null || row.pos_z === null ? null : [row.pos_x, row.pos_y, row.pos_z];

/** A series row's stored ImageOrientationPatient (JSON), or null when the files had none. */
export function parseOrientation(json: string | null): Orientation | null {
  if (json === null) return null;
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) && parsed.length === 6 && parsed.every((v) => typeof v === 'number')
    ? (parsed as unknown as Orientation)
    : null;
}

export function parseWarnings(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((w): w is string => typeof w === 'string') : [];
}

/** The public summary of a series from its catalog row, its slice count and its end slices. */
export function toSeriesSummary(
  row: SeriesRow,
  slices: number,
  first: InstanceRow | undefined,
  last: InstanceRow | undefined,
): SeriesSummary {
  return {
    studyUid: StudyUid.parse(row.study_uid),
    seriesUid: SeriesUid.parse(row.series_uid),
    modality: row.modality,
    description: row.description,
    seriesNumber: row.series_number,
    slices,
    rows: row.rows,
    cols: row.cols,
    pixelSpacing:
      row.row_spacing !== null && row.col_spacing !== null ? [row.row_spacing, row.col_spacing] : null,
    sliceSpacing: row.slice_spacing,
    firstPosition: first ? positionOf(first) : null,
    lastPosition: last ? positionOf(last) : null,
    huMin: row.hu_min,
    huMax: row.hu_max,
    warnings: parseWarnings(row.warnings),
  };
}

/** A series' summary with three indexed look-ups, not a read of all its instances. */
export function summarizeSeries(store: CatalogStore, row: SeriesRow): SeriesSummary {
  const count = store.countSlices(row.series_uid);
  return toSeriesSummary(
    row,
    count,
    store.instanceAt(row.series_uid, 0),
    store.instanceAt(row.series_uid, count - 1),
  );
}

export function loadSeriesSummary(store: CatalogStore, seriesUid: string): SeriesSummary | null {
  const row = store.series(seriesUid);
  return row ? summarizeSeries(store, row) : null;
}
