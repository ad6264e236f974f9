import { orderSlices } from '../series/ordering';
import { measureSliceSpacing } from '../series/spacing';
import type { CatalogStore } from './catalogStore';
import { parseOrientation, positionOf } from './seriesSummary';

/**
 * Recomputes what follows from a series' instances: anatomical order (slice_index), slice spacing
 * and its warnings, HU range. Runs inside the import's transaction.
 */
export function refreshSeries(store: CatalogStore, seriesUid: string): void {
  const row = store.series(seriesUid);
  if (!row) return;
  const instances = store.instancesOfSeries(seriesUid);
  if (instances.length === 0) {
    store.pruneSeries(seriesUid);
    return;
  }
  const orientation = parseOrientation(row.orientation);
  const { order, orderedBy, distances } = orderSlices(
    instances.map((i) => ({ position: positionOf(i), orientation, instanceNumber: i.instance_number })),
  );
  order.forEach((inputIndex, sliceIndex) => {
    const inst = instances[inputIndex];
    if (inst) store.setSliceIndex(inst.sop_uid, sliceIndex);
  });
  const warnings: string[] = [];
  let sliceSpacing: number | null = null;
  if (distances) {
    const report = measureSliceSpacing(distances);
    sliceSpacing = report.sliceSpacing;
    warnings.push(...report.warnings);
  } else if (instances.length > 1) {
    warnings.push('slices lack ImagePositionPatient or ImageOrientationPatient: ordered by InstanceNumber');
  }
  if (row.row_spacing === null) warnings.push('no PixelSpacing: distances are in pixels');
  store.updateSeriesSummary({
    series_uid: seriesUid,
    slice_spacing: sliceSpacing,
    ordered_by: orderedBy,
    warnings: JSON.stringify(warnings),
    hu_min: instances.reduce((m, i) => Math.min(m, i.hu_min), Infinity),
    hu_max: instances.reduce((m, i) => Math.max(m, i.hu_max), -Infinity),
  });
}
