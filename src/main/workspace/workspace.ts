import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCatalogStore, type CatalogStore } from '../catalog/catalogStore';
import { openDatabase, type Db } from '../db/database';
import { SYNTHETIC_DESCRIPTION } from '../phantom/headers';
import { SeriesReader } from '../series/seriesReader';
import { InferenceService } from '../inference/inferenceService';

export const DATABASE_FILE = 'workspace.sqlite';

/** An open workspace: one folder holding its SQLite database (and, for the demo, its generated files). */
export interface Workspace {
  readonly dir: string;
  readonly db: Db;
  readonly catalog: CatalogStore;
  readonly series: SeriesReader;
  /** Models, runs and the inference job queue (its worker starts on first use). */
  readonly inference: InferenceService;
  readonly isDemo: () => boolean;
  readonly isSynthetic: () => boolean;
  /**
   * Runs long catalog work (imports) one at a time: an import decides what is new before it writes,
   * so two overlapping imports would race. (Other processes are held off by BEGIN IMMEDIATE.)
   */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Cancels queued jobs, stops the inference worker and closes the database. */
  close(): Promise<void>;
}

export function openWorkspace(dir: string): Workspace {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const db = openDatabase(join(abs, DATABASE_FILE));
  const catalog = createCatalogStore(db);
  let queue: Promise<unknown> = Promise.resolve();
  const inference = new InferenceService(abs, db, catalog);
  return {
    dir: abs,
    db,
    catalog,
    series: new SeriesReader(catalog),
    inference,
    isDemo: () => catalog.getMeta('demo') === 'true',
    isSynthetic: () =>
      catalog.getMeta('synthetic') === 'true' || catalog.seriesDescribedAs(SYNTHETIC_DESCRIPTION) > 0,
    exclusive<T>(work: () => Promise<T>): Promise<T> {
      const run = queue.then(work, work);
      queue = run.catch(() => undefined);
      return run;
    },
    close: async () => {
      await inference.close();
      db.close();
    },
  };
}
