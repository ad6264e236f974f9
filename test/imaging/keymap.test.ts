import { describe, expect, it } from 'vitest';
import { keyToAction, wheelSteps, wheelZoomFactor, ZOOM_STEP } from '../../src/shared/imaging/keymap';
import { BONE_WINDOW, VENOUS_WINDOW } from '../../src/shared/imaging/window';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('keyToAction', () => {
  it('scrolls with arrows and pages', () => {
    expect(keyToAction(key('ArrowDown'))).toEqual({ kind: 'slice-step', delta: 1 });
    expect(keyToAction(key('ArrowUp'))).toEqual({ kind: 'slice-step', delta: -1 });
    expect(keyToAction(key('PageDown'))).toEqual({ kind: 'slice-step', delta: 10 });
    expect(keyToAction(key('Home'))).toEqual({ kind: 'slice-to', where: 'first' });
  });

  it('maps 1 to the venous and 3 to the bone window', () => {
    expect(keyToAction(key('1'))).toEqual({ kind: 'window-preset', preset: VENOUS_WINDOW });
    expect(keyToAction(key('3'))).toEqual({ kind: 'window-preset', preset: BONE_WINDOW });
    expect(keyToAction(key('9'))).toBeNull();
  });

  it('zooms, fits and toggles the 3-slice view', () => {
    expect(keyToAction(key('+'))).toEqual({ kind: 'zoom', factor: ZOOM_STEP });
    expect(keyToAction(key('-'))).toEqual({ kind: 'zoom', factor: 1 / ZOOM_STEP });
    expect(keyToAction(key('0'))).toEqual({ kind: 'fit' });
    expect(keyToAction(key('t'))).toEqual({ kind: 'toggle-three-slice' });
  });

  it('leaves modified keys to the browser', () => {
    expect(keyToAction(key('+', { ctrlKey: true }))).toBeNull();
    expect(keyToAction(key('1', { altKey: true }))).toBeNull();
  });
});

describe('wheel', () => {
  it('steps one slice per mouse-wheel notch', () => {
    expect(wheelSteps(0, 100, 0)).toEqual({ steps: 1, carry: 0 });
    expect(wheelSteps(0, -300, 0)).toEqual({ steps: -3, carry: 0 });
    expect(wheelSteps(0, 3, 1)).toEqual({ steps: 0, carry: 99 });
  });

  it('adds up small touchpad deltas', () => {
    let carry = 0;
    let steps = 0;
    for (let i = 0; i < 25; i++) {
      const r = wheelSteps(carry, 8, 0);
      carry = r.carry;
      steps += r.steps;
    }
    expect(steps).toBe(2);
    expect(carry).toBe(0);
  });

  it('zooms in when the wheel turns away from the user', () => {
    expect(wheelZoomFactor(-100, 0)).toBeCloseTo(ZOOM_STEP, 10);
    expect(wheelZoomFactor(100, 0)).toBeCloseTo(1 / ZOOM_STEP, 10);
  });
});
