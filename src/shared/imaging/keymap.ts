import { WINDOW_PRESETS, type WindowPreset } from './window';

/** What a key or wheel turn asks the slice viewer to do. */
export type ViewerAction =
  | { kind: 'slice-step'; delta: number }
  | { kind: 'slice-to'; where: 'first' | 'last' }
  | { kind: 'zoom'; factor: number }
  | { kind: 'fit' }
  | { kind: 'window-preset'; preset: WindowPreset }
  | { kind: 'toggle-three-slice' }
  | { kind: 'toggle-reference' };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

export const PAGE_STEP = 10;
export const ZOOM_STEP = 1.25;

/**
 * The viewer's keyboard map. Slice index 0 is the most cranial slice, so "up" moves toward the head.
 *   ↑ / ←  previous slice     ↓ / →  next slice
 *   PgUp / PgDn  10 slices    Home / End  first / last slice
 *   + / −  zoom               0  fit to window
 *   1 2 3  venous, soft-tissue, bone window
 *   T  toggle the 3-slice (model input) view
 *   G  toggle the ground-truth overlay (generated data)
 */
export function keyToAction(e: KeyLike): ViewerAction | null {
  if (e.altKey || e.metaKey) return null;
  // Ctrl with +/−/0 is the browser's own page zoom in a browser tab; leave it alone.
  if (e.ctrlKey) return null;
  switch (e.key) {
    case 'ArrowUp':
    case 'ArrowLeft':
      return { kind: 'slice-step', delta: -1 };
    case 'ArrowDown':
    case 'ArrowRight':
      return { kind: 'slice-step', delta: 1 };
    case 'PageUp':
      return { kind: 'slice-step', delta: -PAGE_STEP };
    case 'PageDown':
      return { kind: 'slice-step', delta: PAGE_STEP };
    case 'Home':
      return { kind: 'slice-to', where: 'first' };
    case 'End':
      return { kind: 'slice-to', where: 'last' };
    case '+':
    case '=':
      return { kind: 'zoom', factor: ZOOM_STEP };
    case '-':
    case '_':
      return { kind: 'zoom', factor: 1 / ZOOM_STEP };
    case '0':
      return { kind: 'fit' };
    case 't':
    case 'T':
      return { kind: 'toggle-three-slice' };
    case 'g':
    case 'G':
      return { kind: 'toggle-reference' };
    default: {
      const preset = WINDOW_PRESETS.find((p) => p.key === e.key);
      return preset ? { kind: 'window-preset', preset } : null;
    }
  }
}

/** Pixels of wheel travel per slice (one notch of a mouse wheel in Chromium is 100). */
export const WHEEL_PIXELS_PER_SLICE = 100;
const LINE_PIXELS = 33;
const PAGE_PIXELS = 800;

/**
 * Turns wheel travel into whole slice steps, carrying the remainder so that a touchpad's small
 * deltas add up. deltaMode is the WheelEvent's (0 pixels, 1 lines, 2 pages).
 */
export function wheelSteps(
  carried: number,
  deltaY: number,
  deltaMode: number,
): { steps: number; carry: number } {
  const px = deltaMode === 1 ? deltaY * LINE_PIXELS : deltaMode === 2 ? deltaY * PAGE_PIXELS : deltaY;
  const total = carried + px;
  const steps = Math.trunc(total / WHEEL_PIXELS_PER_SLICE);
  return { steps, carry: total - steps * WHEEL_PIXELS_PER_SLICE };
}

/** Zoom factor for a Ctrl+wheel turn: one notch (100 px) zooms by ZOOM_STEP, smoothly in between. */
export function wheelZoomFactor(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * LINE_PIXELS : deltaMode === 2 ? deltaY * PAGE_PIXELS : deltaY;
  return Math.pow(ZOOM_STEP, -px / WHEEL_PIXELS_PER_SLICE);
}
