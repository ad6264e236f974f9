import type { SeriesSummary, Vec3 } from '../../shared/catalog/schemas';
import { SeriesUid, StudyUid } from '../../shared/ids';
import type { CatalogStore, InstanceRow, SeriesRow } from './catalogStore';

export const positionOf = (row: InstanceRow): Vec3 | null =>
  row.pos_x === null || row.pos_y === null || row.pos_z === null ? null : [row.pos_x, row.pos_y, row.pos_z];

export function parseWarnings(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((w): w is string => typeof w === 'string') : [];
}

/** The public summary of a series from its catalog row and its instances in anatomical order. */
export function toSeriesSummary(row: SeriesRow, instances: readonly InstanceRow[]): SeriesSummary {
  const first = instances[0];
  const last = instances[instances.length - 1];
  return {
    studyUid: StudyUid.parse(row.study_uid),
    seriesUid: SeriesUid.parse(row.series_uid),
    modality: row.modality,
    description: row.description,
    seriesNumber: row.series_number,
    slices: instances.length,
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

export function loadSeriesSummary(store: CatalogStore, seriesUid: string): SeriesSummary | null {
  const row = store.series(seriesUid);
  return row ? toSeriesSummary(row, store.instancesOfSeries(seriesUid)) : null;
}
