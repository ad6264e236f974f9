import type { CatalogTree, ImportReport } from '../../../shared/catalog/schemas';
import type { DvtApi } from '../../../shared/ipc/api';
import type { WorkspaceInfo } from '../../../shared/ipc/contract';

/** The open workspace as the browser panel shows it: its info, catalog tree and the last import. */
export class WorkspaceState {
  info = $state.raw<WorkspaceInfo | null>(null);
  tree = $state.raw<CatalogTree | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);

  importing = $state(false);
  importReport = $state.raw<ImportReport | null>(null);
  importError = $state<string | null>(null);

  readonly seriesCount = $derived(
    this.tree?.patients.reduce((n, p) => n + p.studies.reduce((m, s) => m + s.series.length, 0), 0) ?? 0,
  );

  constructor(private readonly api: DvtApi) {}

  async refresh(): Promise<void> {
    this.loading = true;
    const [info, tree] = await Promise.all([
      this.api.invoke('workspace:info', {}),
      this.api.invoke('catalog:tree', {}),
    ]);
    this.loading = false;
    if (info.ok) this.info = info.value;
    if (tree.ok) this.tree = tree.value;
    this.error = !info.ok ? info.error.message : !tree.ok ? tree.error.message : null;
  }

  /** Imports files or folders (one path per line or a single path) and refreshes the catalog. */
  async import(paths: string[]): Promise<void> {
    const clean = paths.map((p) => p.trim()).filter((p) => p.length > 0);
    if (clean.length === 0) {
      this.importError = 'Give a file or folder path to import.';
      return;
    }
    this.importing = true;
    this.importError = null;
    this.importReport = null;
    const r = await this.api.invoke('catalog:import', { paths: clean });
    this.importing = false;
    if (r.ok) this.importReport = r.value;
    else this.importError = r.error.message;
    await this.refresh();
  }
}
