/**
 * Assembles a patient's ground truth from the boxes the renderer reported for each slice: vein and thrombus boxes per
 * slice, mimic boxes listed separately, and per-lesion summaries derived from where the boxes actually appeared.
 */
import type {
  MimicTruth,
  PatientTruth,
  SliceBox,
  SliceMimic,
  SliceTruth,
  ThrombusTruth,
  VeinSegment,
} from '../../shared/phantom/groundTruth';
import { instanceNumber, IMAGE_SIZE, SLICE_SPACING_MM, sliceZ, type PatientModel } from './patient';
import type { PixelBox } from './raster';
import type { TaggedBox } from './render';

function tuple(b: PixelBox): [number, number, number, number] {
  return [b.x1, b.y1, b.x2, b.y2];
}

export function dicomFileName(instance: number): string {
  return `IM${String(instance).padStart(4, '0')}.dcm`;
}

export function sliceTruth(model: PatientModel, index: number, boxes: readonly TaggedBox[]): SliceTruth {
  const veinBoxes: SliceBox[] = [];
  const mimics: SliceMimic[] = [];
  for (const { tag, box } of boxes) {
    if (tag.label === 'mimic') {
      mimics.push({ kind: tag.kind, mimicId: tag.mimicId, box: tuple(box), side: tag.side });
    } else if (tag.label === 'vein') {
      veinBoxes.push({ label: 'vein', box: tuple(box), side: tag.side, segment: tag.segment });
    } else {
      veinBoxes.push({
        label: 'DVT',
        box: tuple(box),
        side: tag.side,
        segment: tag.segment,
        thrombusId: tag.thrombusId,
      });
    }
  }
  const instance = instanceNumber(model, index);
  return {
    index,
    sopInstanceUid: model.sopUids[index] ?? '',
    instanceNumber: instance,
    file: `${model.code}/${dicomFileName(instance)}`,
    zMm: sliceZ(model, index),
    boxes: veinBoxes,
    mimics,
  };
}

export function patientTruth(model: PatientModel, slices: readonly SliceTruth[]): PatientTruth {
  const thrombi: ThrombusTruth[] = [];
  for (const plan of model.plan.thrombi) {
    const segments: VeinSegment[] = [];
    let first = Infinity;
    let last = -Infinity;
    for (const slice of slices) {
      for (const b of slice.boxes) {
        if (b.label !== 'DVT' || b.thrombusId !== plan.id) continue;
        first = Math.min(first, slice.index);
        last = Math.max(last, slice.index);
        if (!segments.includes(b.segment)) segments.push(b.segment);
      }
    }
    if (!Number.isFinite(first)) continue;
    thrombi.push({
      id: plan.id,
      side: plan.side,
      kind: plan.kind,
      segments,
      firstIndex: first,
      lastIndex: last,
      meanHu: Math.round(plan.hu * 10) / 10,
    });
  }
  const mimics: MimicTruth[] = [];
  for (const plan of model.plan.mimics) {
    const seen = slices.filter((s) => s.mimics.some((m) => m.mimicId === plan.id)).map((s) => s.index);
    if (seen.length === 0) continue;
    mimics.push({
      id: plan.id,
      kind: plan.kind,
      side: plan.side,
      firstIndex: Math.min(...seen),
      lastIndex: Math.max(...seen),
    });
  }
  return {
    patientId: model.patientId,
    patientName: model.patientName,
    folder: model.code,
    hasDvt: thrombi.length > 0,
    patientPosition: model.position,
    studyInstanceUid: model.studyUid,
    seriesInstanceUid: model.seriesUid,
    rows: IMAGE_SIZE,
    columns: IMAGE_SIZE,
    pixelSpacingMm: model.mapping.spacing,
    sliceThicknessMm: SLICE_SPACING_MM,
    thrombi,
    mimics,
    slices: [...slices].sort((a, b) => a.index - b.index),
  };
}
