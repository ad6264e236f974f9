import type { SeriesDetail, SliceData, Vec3 } from '../../../shared/catalog/schemas';
import type { SeriesUid } from '../../../shared/ids';
import type { ReferenceBox, SeriesReference } from '../../../shared/reference/schemas';
import type { DvtApi } from '../../../shared/ipc/api';
import { pixelToPatient } from '../../../shared/imaging/geometry';
import type { ViewerAction } from '../../../shared/imaging/keymap';
import { LruCache, SliceLoader } from '../../../shared/imaging/sliceLoader';
import { clampSliceIndex, neighbourIndices } from '../../../shared/imaging/threeSlice';
import {
  fitToView,
  imageToCanvas,
  panBy,
  pixelAspect,
  pixelAt,
  resizeView,
  zoomAt,
  type ViewSize,
  type Viewport,
} from '../../../shared/imaging/viewport';
import {
  normalizeWindow,
  VENOUS_WINDOW,
  WINDOW_PRESETS,
  type WindowLevel,
} from '../../../shared/imaging/window';

/** Decoded slices kept in the renderer: 256 MB is about 500 slices of 512 × 512 Int16. */
const CACHE_BYTES = 256 * 1024 * 1024;

export interface CursorReadout {
  col: number;
  row: number;
  hu: number | null;
  /** Patient coordinates (LPS, mm) of the pixel centre, when the series has its geometry. */
  patient: Vec3 | null;
}

/** One open series in the axial viewer: which slice, which window, where the image sits. */
export class ViewerState {
  detail = $state.raw<SeriesDetail | null>(null);
  opening = $state(false);
  /**
   * Why the last open failed. The series shown before (if any) stays on screen, so the view shows
   * this over it; it stays until a later open succeeds (or the user dismisses it).
   */
  error = $state<string | null>(null);

  index = $state(0);
  window = $state.raw<WindowLevel>(VENOUS_WINDOW);
  threeSlice = $state(false);

  viewport = $state.raw<Viewport>({ scale: 1, aspect: 1, offsetX: 0, offsetY: 0 });
  viewSize = $state.raw<ViewSize>({ width: 0, height: 0 });
  /** True until the user zooms or pans: the image then follows the view's size. */
  fitted = $state(true);

  /** The cursor over the view, in canvas (CSS pixel) coordinates. */
  pointer = $state.raw<{ x: number; y: number } | null>(null);
  /** The slice the canvas shows now (set by the view after each draw). */
  shown = $state.raw<SliceData | null>(null);
  /** Bumped when a slice the current view needs arrives, so that the view draws again. */
  arrivals = $state(0);
  sliceError = $state<string | null>(null);
  /** Known truth of generated series (thrombi, veins, mimics), or null when the series has none. */
  reference = $state.raw<SeriesReference | null>(null);
  showReference = $state(true);

  readonly count = $derived(this.detail?.slices.length ?? 0);
  readonly cols = $derived(this.detail?.summary.cols ?? 0);
  readonly rows = $derived(this.detail?.summary.rows ?? 0);
  readonly position = $derived(this.detail?.slices[this.index]?.position ?? null);
  readonly presetName = $derived(
    WINDOW_PRESETS.find((p) => p.level === this.window.level && p.width === this.window.width)?.name ?? null,
  );
  readonly cursor = $derived.by((): CursorReadout | null => this.readCursor());
  /** Reference boxes on the slice on screen, thrombi last so that they draw on top. */
  readonly referenceBoxes = $derived.by((): ReferenceBox[] => {
    const boxes = this.reference?.boxes.filter((b) => b.sliceIndex === this.index) ?? [];
    return boxes.sort((a, b) => Number(a.kind === 'DVT') - Number(b.kind === 'DVT'));
  });

  private loader: SliceLoader<SliceData> | null = null;
  private openToken = 0;

  constructor(private readonly api: DvtApi) {}

  async open(seriesUid: SeriesUid): Promise<void> {
    const token = ++this.openToken;
    this.opening = true;
    const r = await this.api.invoke('series:detail', { seriesUid });
    if (token !== this.openToken) return; // another series was opened meanwhile
    this.opening = false;
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    const detail = r.value;
    if (detail.slices.length === 0) {
      this.error = 'This series has no slices.';
      return;
    }
    this.loader?.dispose();
    this.error = null;
    this.shown = null;
    this.sliceError = null;
    this.detail = detail;
    this.index = 0;
    this.window = defaultWindow(detail);
    this.fitted = true;
    this.refit();
    this.loader = new SliceLoader<SliceData>({
      count: detail.slices.length,
      cache: new LruCache(CACHE_BYTES, (s) => s.hu.byteLength),
      fetch: async (index) => {
        const s = await this.api.invoke('series:slice', { seriesUid, index });
        return s.ok ? { ok: true, value: s.value } : { ok: false, message: s.error.message };
      },
      onLoad: (index) => {
        if (this.isNeeded(index)) this.arrivals++;
      },
      onError: (index, message) => {
        if (this.isNeeded(index)) this.sliceError = `Slice ${index + 1}: ${message}`;
      },
    });
    this.loader.focus(0);
    this.reference = null;
    const ref = await this.api.invoke('series:reference', { seriesUid });
    if (token === this.openToken && ref.ok && ref.value.hasDvt !== null) this.reference = ref.value;
  }

  /** The cached slice at `index`, if it has arrived. */
  slice(index: number): SliceData | undefined {
    return this.loader?.get(index);
  }

  /** Tells the loader which slice is on screen (the view calls this before drawing). */
  focus(): void {
    this.loader?.focus(this.index);
  }

  goTo(index: number): void {
    if (this.count === 0) return;
    const next = clampSliceIndex(index, this.count);
    if (next !== this.index) this.sliceError = null;
    this.index = next;
  }

  step(delta: number): void {
    this.goTo(this.index + delta);
  }

  setWindow(w: WindowLevel): void {
    this.window = normalizeWindow(w);
  }

  setViewSize(size: ViewSize): void {
    const before = this.viewSize;
    this.viewSize = size;
    if (this.fitted || before.width === 0 || before.height === 0) this.refit();
    else this.viewport = resizeView(this.viewport, before, size);
  }

  refit(): void {
    if (!this.detail || this.viewSize.width === 0 || this.viewSize.height === 0) return;
    this.viewport = fitToView(
      { cols: this.cols, rows: this.rows },
      this.viewSize,
      pixelAspect(this.detail.summary.pixelSpacing),
    );
    this.fitted = true;
  }

  /** Zooms about a canvas point (the view's centre when none is given). */
  zoom(factor: number, at?: { x: number; y: number }): void {
    const p = at ?? { x: this.viewSize.width / 2, y: this.viewSize.height / 2 };
    this.viewport = zoomAt(this.viewport, factor, p.x, p.y);
    this.fitted = false;
  }

  pan(dx: number, dy: number): void {
    this.viewport = panBy(this.viewport, dx, dy);
    this.fitted = false;
  }

  /** Pans (keeping the zoom) so that an image point is at the view's centre. */
  centreOn(x: number, y: number): void {
    if (this.viewSize.width === 0 || this.viewSize.height === 0) return;
    const at = imageToCanvas(this.viewport, x, y);
    this.pan(this.viewSize.width / 2 - at.x, this.viewSize.height / 2 - at.y);
  }

  apply(action: ViewerAction): void {
    switch (action.kind) {
      case 'slice-step':
        this.step(action.delta);
        break;
      case 'slice-to':
        this.goTo(action.where === 'first' ? 0 : this.count - 1);
        break;
      case 'zoom':
        this.zoom(action.factor, this.pointer ?? undefined);
        break;
      case 'fit':
        this.refit();
        break;
      case 'window-preset':
        this.setWindow(action.preset);
        break;
      case 'toggle-three-slice':
        this.threeSlice = !this.threeSlice;
        break;
      case 'toggle-reference':
        this.showReference = !this.showReference;
        break;
    }
  }

  dispose(): void {
    this.loader?.dispose();
    this.loader = null;
  }

  private isNeeded(index: number): boolean {
    return this.count > 0 && neighbourIndices(this.index, this.count).includes(index);
  }

  private readCursor(): CursorReadout | null {
    const detail = this.detail;
    if (!detail || !this.pointer) return null;
    const px = pixelAt(this.viewport, this.pointer.x, this.pointer.y, { cols: this.cols, rows: this.rows });
    if (!px) return null;
    const shown = this.shown;
    const hu = shown && shown.index === this.index ? (shown.hu[px.row * shown.cols + px.col] ?? null) : null;
    const position = this.position;
    const spacing = detail.summary.pixelSpacing;
    const patient =
      position && detail.orientation && spacing
        ? pixelToPatient(px.col + 0.5, px.row + 0.5, position, detail.orientation, spacing)
        : null;
    return { ...px, hu, patient };
  }
}

/** CT opens in the paper's venous window; other modalities in the window their files state. */
function defaultWindow(detail: SeriesDetail): WindowLevel {
  if (detail.summary.modality === 'CT' || !detail.window) return VENOUS_WINDOW;
  return normalizeWindow({ level: detail.window.center, width: detail.window.width });
}
