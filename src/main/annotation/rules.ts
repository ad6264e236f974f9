// The rules of annotation as plain functions: each answers a problem (a message for the user) or null.
// AnnotationService applies them inside its transactions.
import { boxInImage, type ImageShape } from '../../shared/annotation/geometry';
import type { CaseState, CaseStatus, CaseUpdate } from '../../shared/annotation/schemas';
import type { DicomPixelBox } from '../../shared/reference/schemas';

export const CASE_LOCKED = 'case is done; reopen it to edit';

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 'es'}`;
const fmt = (v: number): string => String(Math.round(v * 1000) / 1000);

/** Why a box cannot be stored on a slice of this image, or null when it can. */
export function boxProblem(box: DicomPixelBox, image: ImageShape): string | null {
  if (!(box.x2 > box.x1 && box.y2 > box.y1))
    return `box (${fmt(box.x1)}, ${fmt(box.y1)})–(${fmt(box.x2)}, ${fmt(box.y2)}) has no area: it needs x2 > x1 and y2 > y1`;
  if (!boxInImage(box, image))
    return (
      `box (${fmt(box.x1)}, ${fmt(box.y1)})–(${fmt(box.x2)}, ${fmt(box.y2)}) lies outside the ` +
      `${image.cols}×${image.rows} image (x from 0 to ${image.cols}, y from 0 to ${image.rows})`
    );
  return null;
}

export function labelProblem(label: string, labels: readonly string[]): string | null {
  return labels.includes(label)
    ? null
    : `label '${label}' is not in the workspace's label list (${labels.map((l) => `'${l}'`).join(', ')})`;
}

/** Why the label list cannot become `next`: a label it drops is still used by live boxes. */
export function labelRemovalProblem(
  current: readonly string[],
  next: readonly string[],
  liveBoxesByLabel: ReadonlyMap<string, number>,
): string | null {
  const kept = new Set(next);
  const used = current
    .filter((l) => !kept.has(l))
    .map((l) => [l, liveBoxesByLabel.get(l) ?? 0] as const)
    .filter(([, n]) => n > 0);
  if (used.length === 0) return null;
  return used
    .map(([l, n]) => `cannot remove label '${l}': ${count(n, 'box')} still use${n === 1 ? 's' : ''} it`)
    .join('; ');
}

/** Box edits of a reader's case are refused while that reader has marked it done. */
export function caseLockProblem(status: CaseStatus): string | null {
  return status === 'done' ? CASE_LOCKED : null;
}

/** A box edit moves a case that was not started to in-progress; other statuses stay. */
export function statusAfterBoxEdit(status: CaseStatus): CaseStatus {
  return status === 'not-started' ? 'in-progress' : status;
}

/**
 * The case state after an update, or a problem. A done case is locked: only a change of status away from
 * done (which may come with a new call or note) is taken; setting 'done' again with nothing else is a no-op.
 */
export function applyCaseUpdate(
  current: CaseState,
  update: Pick<CaseUpdate, 'status' | 'call' | 'note'>,
): { next: CaseState; changed: boolean } | { problem: string } {
  const next: CaseState = {
    ...current,
    status: update.status ?? current.status,
    call: update.call !== undefined ? update.call : current.call,
    note: update.note ?? current.note,
  };
  const changed = next.status !== current.status || next.call !== current.call || next.note !== current.note;
  if (current.status === 'done' && next.status === 'done' && changed) return { problem: CASE_LOCKED };
  return { next, changed };
}
