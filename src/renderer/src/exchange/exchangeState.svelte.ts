// What the export / import dialog knows and does: the workspace's readers, labels, folds and whether
// it is synthetic (read each time the dialog opens), the export job it started (polled while it
// runs) and the last annotation import. Main does the work; a refusal is shown as main's message.
import type { Reader } from '../../../shared/annotation/schemas';
import type { FoldAssignment } from '../../../shared/evaluation/dataset';
import type { ExportJob, ImportReport } from '../../../shared/exchange/exchangeSchemas';
import type { ExportFormat } from '../../../shared/exchange/exportRequest';
import type { DvtApi } from '../../../shared/ipc/api';
import type { ChannelInput } from '../../../shared/ipc/contract';
import {
  defaultExportForm,
  exportRequestOf,
  freshFolder,
  REFERENCE_SOURCE,
  type ExportForm,
  type ExportStartInput,
} from './exportForm';

/** How often a running export's progress is asked for. */
export const POLL_MS = 200;

export type AnnotationImportInput = ChannelInput<'annotations:import'>;

export class ExchangeState {
  /** The export form, kept while the dialog is closed. */
  form = $state<ExportForm>(defaultExportForm());
  readers = $state.raw<Reader[]>([]);
  labels = $state.raw<string[]>([]);
  synthetic = $state(false);
  folds = $state.raw<FoldAssignment | null>(null);
  /** Why the readers, labels or workspace could not be read. */
  loadError = $state<string | null>(null);

  /** The export started last (its latest progress). */
  job = $state.raw<ExportJob | null>(null);
  starting = $state(false);
  /** Main's refusal of the last start or cancel. */
  exportError = $state<string | null>(null);
  /** Folders written by this session's exports, so that a new suggestion avoids them. */
  written = $state.raw<string[]>([]);

  importing = $state(false);
  importReport = $state.raw<ImportReport | null>(null);
  importError = $state<string | null>(null);

  readonly running = $derived(this.job?.state === 'running');
  readonly made = $derived(
    exportRequestOf(this.form, { synthetic: this.synthetic, storedFolds: this.folds?.k != null }),
  );
  /** Escape does not close the dialog while something is under way. */
  readonly busy = $derived(this.running || this.starting || this.importing);

  /** The folder last suggested: replaced by the next suggestion unless the user typed another. */
  private suggested = '';
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(private readonly api: DvtApi) {}

  async load(): Promise<void> {
    const [readers, labels, info, folds] = await Promise.all([
      this.api.invoke('readers:list', {}),
      this.api.invoke('labels:list', {}),
      this.api.invoke('workspace:info', {}),
      this.api.invoke('folds:get', {}),
    ]);
    if (readers.ok) this.readers = readers.value;
    if (labels.ok) this.labels = labels.value;
    if (info.ok) this.synthetic = info.value.synthetic;
    if (folds.ok) this.folds = folds.value;
    const failed = [readers, labels, info, folds].find((r) => !r.ok);
    this.loadError = failed && !failed.ok ? failed.error.message : null;
  }

  /** What the dialog reads each time it opens; the output folder is suggested if not typed. */
  async opened(): Promise<void> {
    await this.load();
    const f = this.form;
    if (
      f.source === '' ||
      (f.source !== REFERENCE_SOURCE && !this.readers.some((r) => r.name === f.source))
    ) {
      f.source = this.readers[0]?.name ?? (this.synthetic ? REFERENCE_SOURCE : '');
    }
    await this.suggestFolder();
  }

  async chooseFormat(format: ExportFormat): Promise<void> {
    this.form.format = format;
    await this.suggestFolder();
  }

  /** A new folder under the workspace's exports/ for the form's format, unless the user typed one. */
  async suggestFolder(): Promise<void> {
    if (this.form.outDir !== '' && this.form.outDir !== this.suggested) return;
    const format = this.form.format;
    const r = await this.api.invoke('exports:suggest', { format });
    if (!r.ok || this.form.format !== format) return;
    if (this.form.outDir !== '' && this.form.outDir !== this.suggested) return;
    this.suggested = freshFolder(r.value.outDir, this.written);
    this.form.outDir = this.suggested;
  }

  /** Starts the export the form describes (nothing while the form lacks something). */
  async start(): Promise<void> {
    const made = this.made;
    if (!('request' in made) || this.busy) return;
    const request: ExportStartInput = made.request;
    this.starting = true;
    this.exportError = null;
    const r = await this.api.invoke('exports:start', request);
    this.starting = false;
    if (!r.ok) {
      this.exportError = r.error.message;
      return;
    }
    this.job = r.value;
    this.follow();
  }

  async cancel(): Promise<void> {
    const job = this.job;
    if (!job || job.state !== 'running') return;
    const r = await this.api.invoke('exports:cancel', { jobId: job.id });
    if (!r.ok) this.exportError = r.error.message;
    // The job says 'cancelled' once main has stopped writing and removed the staging folder.
  }

  /** Forgets the finished job (the form is shown for a new export). */
  clearJob(): void {
    if (!this.running) this.job = null;
  }

  async importAnnotations(input: AnnotationImportInput): Promise<boolean> {
    this.importing = true;
    this.importError = null;
    this.importReport = null;
    const r = await this.api.invoke('annotations:import', input);
    this.importing = false;
    if (!r.ok) {
      this.importError = r.error.message;
      return false;
    }
    this.importReport = r.value;
    return true;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Polls the job until it has ended. */
  private follow(): void {
    if (this.disposed || this.timer !== null || !this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll().then(() => this.follow());
    }, POLL_MS);
  }

  private async poll(): Promise<void> {
    const id = this.job?.id;
    if (id === undefined) return;
    const r = await this.api.invoke('exports:jobs', {});
    if (!r.ok) {
      this.exportError = r.error.message;
      return;
    }
    const job = r.value.find((j) => j.id === id);
    if (!job || this.job?.id !== id) return;
    this.job = job;
    if (job.state === 'done' && job.result) {
      this.written = [...this.written, job.result.outDir];
      // That folder is taken now: the next export gets a new one.
      await this.suggestFolder();
    }
  }
}
