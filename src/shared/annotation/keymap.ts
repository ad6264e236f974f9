// The annotation keys, beside the viewer's (shared/imaging/keymap.ts), and the list of every shortcut
// that the help overlay shows. Ctrl stands for Cmd on a Mac.
import type { KeyLike } from '../imaging/keymap';

export type AnnotationAction =
  | { kind: 'tool'; tool: 'box' | 'select' }
  | { kind: 'escape' }
  | { kind: 'delete' }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'copy'; delta: 1 | -1 }
  | { kind: 'interpolate' }
  | { kind: 'next-label' }
  | { kind: 'toggle-others' }
  | { kind: 'case'; delta: 1 | -1 }
  | { kind: 'help' }
  | { kind: 'suggestion'; action: SuggestionAction };

/** What a key asks of the model's suggestions while a case is read with them (AI-assisted reading). */
export type SuggestionAction = 'next' | 'previous' | 'accept' | 'adjust' | 'reject' | 'toggle';

export function annotationKeyToAction(e: KeyLike & { shiftKey: boolean }): AnnotationAction | null {
  if (e.altKey) return null;
  const k = e.key.toLowerCase();
  // Tab moves between suggestions; the caller leaves Tab to the browser when no suggestion is shown.
  if (e.key === 'Tab' && !e.ctrlKey && !e.metaKey)
    return { kind: 'suggestion', action: e.shiftKey ? 'previous' : 'next' };
  if (e.ctrlKey || e.metaKey) {
    if (k === 'z') return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
    if (k === 'y') return { kind: 'redo' };
    return null;
  }
  switch (e.key) {
    case 'Escape':
      return { kind: 'escape' };
    case 'Delete':
    case 'Backspace':
      return { kind: 'delete' };
    case '?':
      return { kind: 'help' };
    case ']':
      return { kind: 'case', delta: 1 };
    case '[':
      return { kind: 'case', delta: -1 };
  }
  switch (k) {
    case 'b':
      return { kind: 'tool', tool: 'box' };
    case 'v':
      return { kind: 'tool', tool: 'select' };
    case 'c':
      return { kind: 'copy', delta: e.shiftKey ? -1 : 1 };
    case 'i':
      return { kind: 'interpolate' };
    case 'l':
      return { kind: 'next-label' };
    case 'h':
      return { kind: 'toggle-others' };
    case 'a':
      return { kind: 'suggestion', action: 'accept' };
    case 'e':
      return { kind: 'suggestion', action: 'adjust' };
    case 'r':
      return { kind: 'suggestion', action: 'reject' };
    case 's':
      return { kind: 'suggestion', action: 'toggle' };
    default:
      return null;
  }
}

export interface Shortcut {
  keys: string;
  what: string;
}

/** Every shortcut of the app, in the groups the help overlay shows. */
export const SHORTCUTS: readonly { group: string; items: readonly Shortcut[] }[] = [
  {
    group: 'Slices and view',
    items: [
      { keys: 'Wheel, ↑ ↓ (← →)', what: 'previous / next slice' },
      { keys: 'PgUp PgDn', what: '10 slices back / forward' },
      { keys: 'Home End', what: 'first / last slice' },
      { keys: 'Ctrl+wheel, + −', what: 'zoom' },
      { keys: '0', what: 'fit to window' },
      { keys: 'Shift-drag, middle-drag', what: 'pan' },
      { keys: 'Right-drag', what: 'window: → width, ↓ level' },
      { keys: '1 2 3', what: 'venous, soft-tissue, bone window' },
      { keys: 'T', what: '3-slice model input view' },
      { keys: 'G', what: 'generated ground-truth overlay' },
    ],
  },
  {
    group: 'Boxes',
    items: [
      { keys: 'B', what: 'box tool: drag to draw a box with the current label' },
      { keys: 'V, Esc', what: 'select tool (Esc also clears the selection)' },
      { keys: 'Click, drag', what: 'select tool: select a box, drag it to move' },
      { keys: 'Drag a handle', what: 'resize the selected box (8 handles, any tool)' },
      { keys: 'Delete, Backspace', what: 'delete the selected box' },
      { keys: 'L', what: 'next label for the selected box (or for new boxes)' },
      { keys: 'C / Shift+C', what: 'copy the selected box to the next / previous slice and go there' },
      {
        keys: 'I',
        what: 'interpolate: fill the slices between the selected box and the nearest box of the same label on another slice',
      },
      { keys: 'Ctrl+Z', what: 'undo' },
      { keys: 'Ctrl+Shift+Z, Ctrl+Y', what: 'redo' },
      { keys: 'H', what: "show / hide other readers' boxes" },
    ],
  },
  {
    group: 'AI suggestions (reading with a model)',
    items: [
      { keys: 'Tab / Shift+Tab', what: 'next / previous suggestion, centred on screen' },
      { keys: 'A', what: 'accept it (or the adjusted box): it becomes your box' },
      { keys: 'E', what: 'adjust it on the image (drag, handles), then A' },
      { keys: 'R', what: 'reject it, with the reason chosen in the panel' },
      { keys: 'S', what: 'show / hide suggestions (timed apart)' },
      { keys: 'Ctrl+Z / Ctrl+Shift+Z', what: 'undo / redo an accept or a reject' },
    ],
  },
  {
    group: 'Cases',
    items: [
      { keys: '] / [', what: 'next / previous case' },
      { keys: '?', what: 'this help' },
    ],
  },
];
