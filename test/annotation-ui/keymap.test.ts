import { describe, expect, it } from 'vitest';
import { annotationKeyToAction, SHORTCUTS } from '../../src/shared/annotation/keymap';
import { keyToAction } from '../../src/shared/imaging/keymap';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; metaKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  shiftKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('annotation keys', () => {
  it('maps tools, edits, undo and redo', () => {
    expect(annotationKeyToAction(key('b'))).toEqual({ kind: 'tool', tool: 'box' });
    expect(annotationKeyToAction(key('V', { shiftKey: true }))).toEqual({ kind: 'tool', tool: 'select' });
    expect(annotationKeyToAction(key('Delete'))).toEqual({ kind: 'delete' });
    expect(annotationKeyToAction(key('Backspace'))).toEqual({ kind: 'delete' });
    expect(annotationKeyToAction(key('z', { ctrlKey: true }))).toEqual({ kind: 'undo' });
    expect(annotationKeyToAction(key('Z', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'redo' });
    expect(annotationKeyToAction(key('y', { ctrlKey: true }))).toEqual({ kind: 'redo' });
    expect(annotationKeyToAction(key('c'))).toEqual({ kind: 'copy', delta: 1 });
    expect(annotationKeyToAction(key('C', { shiftKey: true }))).toEqual({ kind: 'copy', delta: -1 });
    expect(annotationKeyToAction(key('?', { shiftKey: true }))).toEqual({ kind: 'help' });
    expect(annotationKeyToAction(key(']'))).toEqual({ kind: 'case', delta: 1 });
  });
  it('leaves the viewer keys to the viewer', () => {
    for (const k of ['1', '2', '3', 't', 'T', 'g', 'G', '0', '+', '-', 'ArrowUp', 'PageDown', 'Home']) {
      expect(annotationKeyToAction(key(k))).toBeNull();
      expect(keyToAction(key(k))).not.toBeNull();
    }
  });
  it('maps the suggestion keys: Tab / Shift+Tab, A, E, R, S', () => {
    const sug = (action: string) => ({ kind: 'suggestion', action });
    expect(annotationKeyToAction(key('Tab'))).toEqual(sug('next'));
    expect(annotationKeyToAction(key('Tab', { shiftKey: true }))).toEqual(sug('previous'));
    expect(annotationKeyToAction(key('Tab', { ctrlKey: true }))).toBeNull();
    expect(annotationKeyToAction(key('a'))).toEqual(sug('accept'));
    expect(annotationKeyToAction(key('E', { shiftKey: true }))).toEqual(sug('adjust'));
    expect(annotationKeyToAction(key('r'))).toEqual(sug('reject'));
    expect(annotationKeyToAction(key('s'))).toEqual(sug('toggle'));
    // Ctrl+A and Ctrl+R stay the browser's.
    expect(annotationKeyToAction(key('a', { ctrlKey: true }))).toBeNull();
    expect(annotationKeyToAction(key('r', { ctrlKey: true }))).toBeNull();
    for (const k of ['a', 'e', 'r', 's']) expect(keyToAction(key(k))).toBeNull();
  });
  it('lists each annotation key in the help', () => {
    const keys = SHORTCUTS.flatMap((g) => g.items.map((i) => i.keys)).join(' ');
    for (const k of [
      'B',
      'V',
      'Delete',
      'Ctrl+Z',
      'Ctrl+Y',
      'C',
      'I',
      'L',
      'H',
      ']',
      '?',
      'T',
      'G',
      '1 2 3',
      'Tab / Shift+Tab',
      'A',
      'E',
      'R',
      'S',
    ])
      expect(keys).toContain(k);
  });
});
