import type { ReferenceKind } from '../../../shared/reference/schemas';
import type { Vec3 } from '../../../shared/catalog/schemas';
import type { WindowLevel } from '../../../shared/imaging/window';

const round = (v: number, digits: number): string => (Object.is(v, -0) ? 0 : v).toFixed(digits);

/** "−123.5 mm", or "—" when unknown. */
export function formatMm(v: number | null): string {
  return v === null ? '—' : `${round(v, 1)} mm`;
}

/** Patient coordinates as "x, y, z mm" (LPS). */
export function formatPatient(p: Vec3 | null): string {
  return p === null ? '—' : `${round(p[0], 1)}, ${round(p[1], 1)}, ${round(p[2], 1)} mm`;
}

export function formatWindow(w: WindowLevel): string {
  return `L ${Math.round(w.level)} W ${Math.round(w.width)}`;
}

export function formatHu(hu: number | null): string {
  return hu === null ? '—' : `${Number.isInteger(hu) ? hu : hu.toFixed(1)} HU`;
}

/** How each kind of reference box is named on screen. */
export const REFERENCE_LABELS: Record<ReferenceKind, string> = {
  DVT: 'Thrombus (ground truth)',
  vein: 'Vein',
  mixing_artifact: 'Mimic: mixing artefact',
  lymph_node: 'Mimic: lymph node',
};
