// Cross-validation folds: the 'folds:get' / 'folds:assign' channels and migration 005.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
// eslint-disable-next-line no-restricted-imports -- a database left at version 4 can only be made below openDatabase, which always migrates to the newest
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/main/db/database';
import { migrations } from '../../src/main/db/migrations';
import type { Handlers } from '../../src/main/services/handlers';
import { annotationWorkspace, call, refused, type AnnotationFixture } from '../annotation/fixture';
import { tempDir } from '../import/fixtures';

let fx: AnnotationFixture;
let h: Handlers;

beforeAll(async () => {
  fx = await annotationWorkspace(3, 10);
  h = fx.handlers;
}, 120_000);
afterAll(async () => {
  await fx.ws.close();
  rmSync(fx.root, { recursive: true, force: true });
});

describe('folds channels', () => {
  it('are empty until assigned', async () => {
    expect(await call(h, 'folds:get', {})).toEqual({ k: null, seed: null, folds: [] });
  });

  it('assign every patient of the catalog a fold, stored, reproducible from the seed', async () => {
    const tree = await call(h, 'catalog:tree', {});
    const patientIds = tree.patients.map((p) => p.patientId).sort();
    expect(patientIds).toHaveLength(3);

    const assigned = await call(h, 'folds:assign', { k: 3, seed: 17 });
    expect(assigned.k).toBe(3);
    expect(assigned.seed).toBe(17);
    expect(assigned.folds.map((f) => f.patientId)).toEqual(patientIds);
    // Three patients in three folds: one each.
    expect(assigned.folds.map((f) => f.fold).sort()).toEqual([0, 1, 2]);
    expect(await call(h, 'folds:get', {})).toEqual(assigned);

    const other = await call(h, 'folds:assign', { k: 2, seed: 5 });
    expect(other.k).toBe(2);
    expect(other.folds.every((f) => f.fold >= 0 && f.fold < 2)).toBe(true);
    expect(new Set(other.folds.map((f) => f.fold)).size).toBe(2);
    expect(await call(h, 'folds:assign', { k: 3, seed: 17 })).toEqual(assigned);
  });

  it('survive reopening the workspace', async () => {
    const before = await call(h, 'folds:get', {});
    const { openWorkspace } = await import('../../src/main/workspace/workspace');
    const { createHandlers } = await import('../../src/main/services/handlers');
    const again = openWorkspace(fx.wsDir);
    try {
      expect(await call(createHandlers(again), 'folds:get', {})).toEqual(before);
    } finally {
      await again.close();
    }
  });

  it('refuse more folds than patients, and k or seed out of range, keeping the stored split', async () => {
    const before = await call(h, 'folds:get', {});
    const tooMany = await refused(h, 'folds:assign', { k: 4, seed: 1 });
    expect(tooMany).toEqual({
      code: 'invalid-input',
      message: '4 folds need at least 4 patients; the workspace has 3',
    });
    for (const input of [
      { k: 1, seed: 1 },
      { k: 21, seed: 1 },
      { k: 2.5, seed: 1 },
      { k: 2, seed: -1 },
      { k: 2 },
    ]) {
      expect((await refused(h, 'folds:assign', input)).code).toBe('invalid-input');
    }
    expect((await refused(h, 'folds:get', { k: 2 })).code).toBe('invalid-input');
    expect(await call(h, 'folds:get', {})).toEqual(before);
  });
});

describe('migration 005', () => {
  let root: string;
  beforeAll(() => {
    root = tempDir('dvt-migrate-005-');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('brings a version-4 workspace to version 5 with empty, strict fold tables', () => {
    mkdirSync(root, { recursive: true });
    const db = new BetterSqlite3(join(root, 'v4.sqlite'));
    try {
      db.pragma('foreign_keys = ON');
      migrations.slice(0, 4).forEach((m, v) => {
        db.transaction(() => {
          db.exec(m.sql);
          db.pragma(`user_version = ${v + 1}`);
        })();
      });
      db.prepare("INSERT INTO patients (patient_id, name, birth_date, sex) VALUES ('P1', 'A', '', '')").run();
      expect(migrations[4]?.name).toBe('005-folds');
      expect(migrate(db)).toBe(migrations.length);
      expect(db.prepare('SELECT count(*) AS n FROM patient_folds').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM fold_assignment').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT patient_id FROM patients').all()).toEqual([{ patient_id: 'P1' }]);

      const insertFold = db.prepare('INSERT INTO patient_folds (patient_id, fold) VALUES (?, ?)');
      expect(() => insertFold.run('P1', 'one')).toThrow(/cannot store TEXT value in INTEGER column/);
      expect(() => insertFold.run('P1', -1)).toThrow(/CHECK constraint failed/);
      insertFold.run('P1', 0);
      expect(() => insertFold.run('P1', 1)).toThrow(/UNIQUE constraint failed/);
      const setK = db.prepare('INSERT INTO fold_assignment (id, k, seed, assigned_at) VALUES (?, ?, ?, ?)');
      expect(() => setK.run(1, 1, 0, 'now')).toThrow(/CHECK constraint failed/);
      expect(() => setK.run(2, 5, 0, 'now')).toThrow(/CHECK constraint failed/);
      setK.run(1, 5, 0, 'now');
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});
