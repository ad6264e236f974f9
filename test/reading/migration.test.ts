// Migration 007 (suggestion decisions, reading events): a version-6 database is brought up to date,
// and the tables hold the rules the services rely on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line no-restricted-imports -- a database left at an older version can only be made below openDatabase, which always migrates to the newest
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/main/db/database';
import { migrations } from '../../src/main/db/migrations';

let dir: string;
let db: Db;

const decision = (over: Record<string, unknown> = {}) => ({
  series_uid: '1.2.3',
  reader_id: 1,
  prediction_id: 10,
  run_id: 5,
  model_name: 'm',
  model_sha256: 'ab',
  score: 0.5,
  label: 'DVT',
  sop_uid: '1.2.3.1',
  x1: 1,
  y1: 1,
  x2: 5,
  y2: 5,
  kind: 'accepted',
  reason: null,
  box_id: 1,
  at: '2026-03-01T00:00:00.000Z',
  undone_at: null,
  ...over,
});
const insertDecision = (row: Record<string, unknown>) =>
  db
    .prepare(
      `INSERT INTO suggestion_decisions (series_uid, reader_id, prediction_id, run_id, model_name, model_sha256,
         score, label, sop_uid, x1, y1, x2, y2, kind, reason, box_id, at, undone_at)
       VALUES (@series_uid, @reader_id, @prediction_id, @run_id, @model_name, @model_sha256, @score, @label,
         @sop_uid, @x1, @y1, @x2, @y2, @kind, @reason, @box_id, @at, @undone_at)`,
    )
    .run(row);
const insertEvent = (seriesUid: string, kind: string, shown = 0) =>
  db
    .prepare(
      'INSERT INTO reading_events (series_uid, reader_id, kind, at, suggestions_shown) VALUES (?, 1, ?, ?, ?)',
    )
    .run(seriesUid, kind, '2026-03-01T00:00:00.000Z', shown);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dvt-migrate-007-'));
  const file = join(dir, 'workspace.sqlite');
  // A workspace as the previous version left it: migrations 1–6, a series, a reader and a box.
  const old = new BetterSqlite3(file);
  migrations.slice(0, 6).forEach((m, v) => {
    old.exec(m.sql);
    old.pragma(`user_version = ${v + 1}`);
  });
  old.exec(`
    INSERT INTO patients (id, patient_id, name, birth_date, sex) VALUES (1, 'P1', 'Doe', '', '');
    INSERT INTO studies (study_uid, patient_ref, study_date, study_time, description, accession)
      VALUES ('1.2', 1, '20260101', '', '', '');
    INSERT INTO series (series_uid, study_uid, modality, description, rows, cols) VALUES ('1.2.3', '1.2', 'CT', '', 64, 64);
    INSERT INTO instances (sop_uid, series_uid, file_path, file_size, mtime_ms, content_hash, rescale_slope,
      rescale_intercept, hu_min, hu_max, slice_index) VALUES ('1.2.3.1', '1.2.3', '/x', 1, 0, 'h', 1, 0, 0, 0, 0);
    INSERT INTO readers (id, name, created_at) VALUES (1, 'R', '2026-01-01');
    INSERT INTO annotation_boxes (id, series_uid, sop_uid, reader_id, label, x1, y1, x2, y2, created_at, updated_at)
      VALUES (1, '1.2.3', '1.2.3.1', 1, 'DVT', 1, 1, 5, 5, '2026-01-01', '2026-01-01');
  `);
  old.close();
  db = openDatabase(file);
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('migration 007', () => {
  it('brings a version-6 workspace to the current version with empty reading tables', () => {
    expect(migrations[6]!.name).toBe('007-reading');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.prepare('SELECT count(*) AS n FROM suggestion_decisions').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM reading_events').get()).toEqual({ n: 0 });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('keeps one live decision per reader and suggestion; undone ones stay as history', () => {
    insertDecision(decision());
    expect(() => insertDecision(decision({ kind: 'rejected', box_id: null }))).toThrow(/UNIQUE/);
    db.prepare("UPDATE suggestion_decisions SET undone_at = '2026-03-01T00:01:00.000Z'").run();
    insertDecision(decision({ kind: 'rejected', box_id: null, reason: 'lymph node' }));
    expect(db.prepare('SELECT count(*) AS n FROM suggestion_decisions').get()).toEqual({ n: 2 });
  });

  it('ties an accept to its box and a rejection to none, and refuses impossible scores and boxes', () => {
    expect(() => insertDecision(decision({ prediction_id: 11, box_id: null }))).toThrow(/CHECK/);
    expect(() => insertDecision(decision({ prediction_id: 11, kind: 'rejected' }))).toThrow(/CHECK/);
    expect(() => insertDecision(decision({ prediction_id: 11, kind: 'maybe' }))).toThrow(/CHECK/);
    expect(() => insertDecision(decision({ prediction_id: 11, score: 1.5 }))).toThrow(/CHECK/);
    expect(() => insertDecision(decision({ prediction_id: 11, x2: 1 }))).toThrow(/CHECK/);
    expect(() => insertDecision(decision({ prediction_id: 11, box_id: 99 }))).toThrow(/FOREIGN KEY/);
  });

  it('stores reading events of known kinds on catalogued series', () => {
    insertEvent('1.2.3', 'open', 1);
    expect(() => insertEvent('1.2.3', 'pause')).toThrow(/CHECK/);
    expect(() => insertEvent('1.2.3', 'open', 2)).toThrow(/CHECK/);
    // The series key is deferred (as the annotation tables' are): checked at commit.
    expect(() => db.transaction(() => insertEvent('9.9', 'open'))()).toThrow(/FOREIGN KEY/);
  });
});
