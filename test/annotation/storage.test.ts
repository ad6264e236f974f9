// Migration 003 on a workspace made by an older app (version 2), and what its tables guarantee.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line no-restricted-imports -- a database left at an older version can only be made below openDatabase, which always migrates to the newest
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Db } from '../../src/main/db/database';
import { migrations } from '../../src/main/db/migrations';
import { importPaths } from '../../src/main/import/importPaths';
import { generateCohort } from '../../src/main/phantom';
import { createHandlers } from '../../src/main/services/handlers';
import { DATABASE_FILE, openWorkspace, type Workspace } from '../../src/main/workspace/workspace';
import type { Reader } from '../../src/shared/annotation/schemas';
import { tempDir } from '../import/fixtures';
import { call } from './fixture';

let root: string;
let wsDir: string;
let before: Record<string, unknown[]>;

const TABLES = [
  'patients',
  'studies',
  'series',
  'instances',
  'workspace_meta',
  'reference_sets',
  'reference_patients',
  'reference_boxes',
];
const dump = (db: Db): Record<string, unknown[]> =>
  Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()]));

/** A workspace as the app of migration 002 left it: catalog and reference truth of a small cohort. */
async function workspaceAtVersion2(): Promise<void> {
  const cohort = join(root, 'cohort');
  await generateCohort({ outDir: cohort, patients: 2, seed: 99, slicesPerPatient: 10 });
  mkdirSync(wsDir, { recursive: true });
  const db = new BetterSqlite3(join(wsDir, DATABASE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrations.slice(0, 2).forEach((m, v) => {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${v + 1}`);
    })();
  });
  // Today's importer needs today's schema: import into a current workspace, then copy its rows.
  const current = openWorkspace(join(root, 'current'));
  const report = await importPaths(current.catalog, [cohort]);
  await current.close();
  expect(report.errors).toEqual([]);
  db.exec(`ATTACH DATABASE '${join(root, 'current', DATABASE_FILE)}' AS current`);
  db.transaction(() => {
    for (const t of TABLES) db.exec(`INSERT INTO main.${t} SELECT * FROM current.${t}`);
  })();
  db.exec('DETACH DATABASE current');
  expect(db.pragma('user_version', { simple: true })).toBe(2);
  before = dump(db);
  expect(before['instances']).toHaveLength(20);
  expect(before['reference_boxes']?.length).toBeGreaterThan(0);
  db.close();
}

beforeAll(async () => {
  root = tempDir('dvt-migrate-');
  wsDir = join(root, 'ws');
  await workspaceAtVersion2();
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('migration 003', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = openWorkspace(wsDir);
  });
  afterAll(() => ws.close());

  it('brings a version-2 workspace to the current version, keeping its catalog and reference truth', () => {
    expect(ws.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(dump(ws.db)).toEqual(before);
    expect(migrate(ws.db)).toBe(migrations.length);
    expect(ws.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('gives annotation tables ready to use: default labels, no readers, no boxes', async () => {
    const h = createHandlers(ws);
    expect(await call(h, 'labels:list', {})).toEqual(['DVT']);
    expect(await call(h, 'readers:list', {})).toEqual([]);
    const cases = await call(h, 'cases:list', {});
    expect(cases).toHaveLength(2);
    expect(cases.every((c) => c.slices === 10 && c.readers.length === 0)).toBe(true);
  });

  it('lists a series’ boxes through its index', () => {
    const plan = ws.db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT b.id FROM annotation_boxes b JOIN instances i ON i.sop_uid = b.sop_uid
          WHERE b.series_uid = ? AND b.deleted_at IS NULL ORDER BY i.slice_index, b.id`,
      )
      .all('1.2.3') as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/annotation_boxes_by_series/);
  });

  describe('boxes hold on to their slice', () => {
    let reader: Reader;
    let sop: string;
    beforeAll(async () => {
      const h = createHandlers(ws);
      reader = await call(h, 'readers:add', { name: 'R' });
      const seriesUid = (await call(h, 'cases:list', {}))[0]?.seriesUid ?? '';
      sop = (await call(h, 'series:detail', { seriesUid })).slices[3]?.sopInstanceUid ?? '';
      await call(h, 'annotations:create', {
        seriesUid,
        readerId: reader.id,
        boxes: [
          { sopInstanceUid: sop, label: 'DVT', box: { space: 'dicom-pixel', x1: 1, y1: 2, x2: 3, y2: 4 } },
        ],
      });
    });

    it('refuses a catalog change that would leave a box without its slice', () => {
      const drop = ws.db.transaction(() => ws.db.prepare('DELETE FROM instances WHERE sop_uid = ?').run(sop));
      expect(() => drop()).toThrow(/FOREIGN KEY constraint failed/);
      expect(ws.catalog.instanceBySop(sop)).toBeDefined();
    });

    it('lets the importer replace the slice’s row in one transaction (the foreign key is deferred)', () => {
      const row = ws.catalog.instanceBySop(sop);
      if (!row) throw new Error('no instance');
      ws.db.transaction(() => {
        ws.catalog.deleteInstanceByPath(row.file_path);
        ws.catalog.insertInstance(row);
      })();
      expect(ws.db.pragma('foreign_key_check')).toEqual([]);
    });
  });
});
