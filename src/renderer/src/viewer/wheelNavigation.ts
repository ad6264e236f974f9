// Wheel and middle-button handling shared by the viewer and the comparison grid: the wheel steps
// through slices (fractional trackpad deltas are carried over), Ctrl+wheel zooms about the pointer,
// and a middle press does not start the browser's autoscroll (middle-drag pans).
import { wheelSteps, wheelZoomFactor } from '../../../shared/imaging/keymap';

export interface WheelTarget {
  zoom(factor: number, at?: { x: number; y: number }): void;
  step(slices: number): void;
}

/** Listens on `el`; returns the function that stops listening. `accepts` filters wheel events. */
export function attachWheelNavigation(
  el: HTMLElement,
  target: WheelTarget,
  pointOf: (e: MouseEvent) => { x: number; y: number } | null,
  accepts: (e: WheelEvent) => boolean = () => true,
): () => void {
  let carry = 0;
  const onWheel = (e: WheelEvent): void => {
    if (!accepts(e)) return;
    e.preventDefault();
    if (e.ctrlKey) {
      target.zoom(wheelZoomFactor(e.deltaY, e.deltaMode), pointOf(e) ?? undefined);
      return;
    }
    const r = wheelSteps(carry, e.deltaY, e.deltaMode);
    carry = r.carry;
    if (r.steps !== 0) target.step(r.steps);
  };
  const onMouseDown = (e: MouseEvent): void => {
    if (e.button === 1) e.preventDefault();
  };
  el.addEventListener('wheel', onWheel, { passive: false });
  el.addEventListener('mousedown', onMouseDown);
  return () => {
    el.removeEventListener('wheel', onWheel);
    el.removeEventListener('mousedown', onMouseDown);
  };
}
