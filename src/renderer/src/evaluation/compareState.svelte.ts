// The comparison view's state: its own viewer (one series, slice, zoom, pan and window shared by every
// cell), which model each cell shows, the palette, and every number the view shows, recomputed at
// once when the IoU (re-prepare the matching) or the score threshold (read the prepared matching
// again) moves.
import { untrack } from 'svelte';
import { keyToAction, type KeyLike } from '../../../shared/imaging/keymap';
import type { DvtApi } from '../../../shared/ipc/api';
import type { OperatingPoint } from '../../../shared/evaluation/types';
import { ViewerState } from '../viewer/viewerState.svelte';
import {
  caseRows,
  imageIndex,
  imageKey,
  NO_IMAGES,
  nextDisagreement,
  sliceBoxes,
  type PerImage,
  type SliceBoxes,
} from './compareModel';
import type { EvaluationData } from './evaluationData.svelte';
import { defaultPlacement, reshape, type GridShape, type Placement } from './layout';
import { distinct, type ModelGroup } from './models';
import { PALETTES, type PaletteName } from './palette';

export interface CellView {
  cell: number;
  model: ModelGroup | null;
  /** The model's operating point over all its series. */
  overall: OperatingPoint | null;
  /** The boxes of the slice on screen; null when the model did not run on this series. */
  slice: SliceBoxes | null;
}

export class CompareState {
  readonly viewer: ViewerState;
  palette = $state<PaletteName>('paper');
  placement = $state.raw<Placement>({
    shape: { rows: 2, cols: 2 },
    cells: [null, null, null, null],
    rowTitles: null,
    colTitles: null,
  });
  showScores = $state(true);
  /** The models the placement was made for: a new set of models places them again. */
  private placedFor = '';

  readonly paletteStyle = $derived(PALETTES[this.palette]);
  /** The models on the grid, in cell order, each once. */
  readonly compared = $derived.by((): ModelGroup[] => {
    const keys = distinct(this.placement.cells);
    return keys.map((k) => this.data.groups.find((g) => g.key === k)).filter((g) => g !== undefined);
  });
  readonly perImage = $derived.by((): PerImage[] =>
    this.compared.map((g) => this.data.prepared.get(g.key)!.perImage(this.data.threshold)),
  );
  readonly cases = $derived.by(() =>
    this.data.dataset ? caseRows(this.data.dataset, this.compared, this.perImage) : [],
  );
  readonly imageIndex = $derived.by(() => (this.data.dataset ? imageIndex(this.data.dataset) : NO_IMAGES));
  /** Dataset image on screen, or −1 when the slice is not in the dataset. */
  readonly currentImage = $derived.by(() => {
    const uid = this.viewer.detail?.summary.seriesUid;
    return uid === undefined ? -1 : (this.imageIndex.get(imageKey(uid, this.viewer.index)) ?? -1);
  });
  readonly cells = $derived.by((): CellView[] =>
    this.placement.cells.map((key, cell) => {
      const model = key === null ? null : (this.data.groups.find((g) => g.key === key) ?? null);
      if (!model) return { cell, model: null, overall: null, slice: null };
      const p = this.data.prepared.get(model.key)!;
      const overall = p.operatingPoint(this.data.threshold);
      const d = this.currentImage;
      const local = d >= 0 ? model.localImage[d]! : -1;
      return {
        cell,
        model,
        overall,
        slice: local >= 0 ? sliceBoxes(model, p, local, this.data.threshold) : null,
      };
    }),
  );
  /** Status line of the last "next disagreement". */
  disagreementNote = $state<string | null>(null);

  constructor(
    api: DvtApi,
    readonly data: EvaluationData,
  ) {
    this.viewer = new ViewerState(api);
  }

  /** Places the models again when the set of models changed (called from the view's effect). */
  follow(): void {
    const groups = this.data.groups;
    const key = groups.map((g) => g.key).join(',');
    if (key === this.placedFor) return;
    this.placedFor = key;
    untrack(() => {
      this.placement = defaultPlacement(groups);
    });
  }

  setShape(shape: GridShape): void {
    this.placement = {
      shape,
      cells: reshape(this.placement.cells, shape, this.data.groups),
      rowTitles: null,
      colTitles: null,
    };
  }

  assign(cell: number, key: string | null): void {
    const cells = [...this.placement.cells];
    cells[cell] = key;
    this.placement = { ...this.placement, cells, rowTitles: null, colTitles: null };
  }

  /** Shows dataset image `d`: opens its series if another is open, then goes to its slice. */
  async show(d: number): Promise<void> {
    const img = this.data.dataset?.images[d];
    if (!img) return;
    if (this.viewer.detail?.summary.seriesUid !== img.seriesUid) {
      await this.viewer.open(img.seriesUid);
      if (this.viewer.detail?.summary.seriesUid !== img.seriesUid) return;
    }
    this.viewer.goTo(img.sliceIndex);
  }

  /** Goes to the next (or previous) slice where the models on the grid count differently. */
  async nextDisagreement(direction: 1 | -1 = 1): Promise<void> {
    const n = this.data.dataset?.images.length ?? 0;
    const from = this.currentImage >= 0 ? this.currentImage : direction === 1 ? -1 : n;
    const d = nextDisagreement(this.compared, this.perImage, n, from, direction);
    if (d === null) {
      this.disagreementNote =
        this.compared.length < 2
          ? 'Put two models on the grid to compare them.'
          : 'The models agree on every slice.';
      return;
    }
    this.disagreementNote = null;
    await this.show(d);
  }

  /** Keys of the comparison view: the viewer's, and N / Shift+N for the next / previous disagreement. */
  onKey(e: KeyLike & { shiftKey: boolean }): boolean {
    if (!e.ctrlKey && !e.metaKey && !e.altKey && (e.key === 'n' || e.key === 'N')) {
      void this.nextDisagreement(e.shiftKey ? -1 : 1);
      return true;
    }
    if (!this.viewer.detail) return false;
    const action = keyToAction(e);
    if (!action) return false;
    this.viewer.apply(action);
    return true;
  }
}
