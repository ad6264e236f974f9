// SQL for registered models (migration 004). Rows are turned into the shared ModelSummary here.
import type { Db } from '../db/database';
import { ModelId } from '../../shared/ids';
import type { ModelSummary } from '../../shared/inference/schemas';
import { parseManifest } from '../../shared/model/manifest';

interface ModelRow {
  id: number;
  name: string;
  sha256: string;
  file_path: string;
  file_size: number;
  source_path: string;
  manifest_json: string;
  graph_json: string;
  added_at: string;
}

export interface NewModel {
  name: string;
  sha256: string;
  filePath: string;
  fileSize: number;
  sourcePath: string;
  manifestJson: string;
  graphJson: string;
  addedAt: string;
}

export interface StoredModel {
  summary: ModelSummary;
  /** The workspace's own copy of the ONNX file. */
  filePath: string;
}

function toStored(row: ModelRow): StoredModel {
  const graph = JSON.parse(row.graph_json) as { fixedBatch: number | null };
  return {
    filePath: row.file_path,
    summary: {
      id: ModelId.parse(row.id),
      name: row.name,
      sha256: row.sha256,
      fileSize: row.file_size,
      sourcePath: row.source_path,
      addedAt: row.added_at,
      fixedBatch: graph.fixedBatch,
      manifest: parseManifest(JSON.parse(row.manifest_json)),
    },
  };
}

export class ModelStore {
  constructor(private readonly db: Db) {}

  list(): StoredModel[] {
    return this.db.prepare<[], ModelRow>('SELECT * FROM models ORDER BY name').all().map(toStored);
  }

  byId(id: number): StoredModel | null {
    const row = this.db.prepare<[number], ModelRow>('SELECT * FROM models WHERE id = ?').get(id);
    return row ? toStored(row) : null;
  }

  byName(name: string): StoredModel | null {
    const row = this.db.prepare<[string], ModelRow>('SELECT * FROM models WHERE name = ?').get(name);
    return row ? toStored(row) : null;
  }

  insert(m: NewModel): StoredModel {
    const info = this.db
      .prepare(
        `INSERT INTO models (name, sha256, file_path, file_size, source_path, manifest_json, graph_json, added_at)
         VALUES (@name, @sha256, @filePath, @fileSize, @sourcePath, @manifestJson, @graphJson, @addedAt)`,
      )
      .run(m);
    const stored = this.byId(Number(info.lastInsertRowid));
    if (!stored) throw new Error('model row vanished after insert');
    return stored;
  }
}
