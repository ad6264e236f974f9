// Stable pseudonyms for de-identified exports (PS3.15 basic profile: identifiers replaced, UIDs
// replaced consistently). A patient becomes ANON-0001…, a reader Reader-01…, in the order they are
// first exported; a UID becomes 2.25.<128 bits of HMAC-SHA256(workspace secret, UID)>, so the same
// UID gets the same replacement in every export and different UIDs stay different. Every pseudonym is
// stored (table `pseudonyms`, migration 006) so that imports of de-identified files map back. Neither
// the secret nor the mapping is ever exported.
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../db/database';

export type PseudonymKind = 'patient' | 'uid' | 'reader';

const SECRET_KEY = 'deid-secret';

export interface Pseudonyms {
  patientId(real: string): string;
  uid(real: string): string;
  reader(name: string): string;
}

/** The original of a pseudonym of this workspace, or undefined when it is not one. */
export function originalOf(db: Db, kind: PseudonymKind, pseudonym: string): string | undefined {
  return db
    .prepare<[string, string], { original: string }>(
      'SELECT original FROM pseudonyms WHERE kind = ? AND pseudonym = ?',
    )
    .get(kind, pseudonym)?.original;
}

function workspaceSecret(db: Db): Buffer {
  const row = db
    .prepare<[string], { value: string }>('SELECT value FROM workspace_meta WHERE key = ?')
    .get(SECRET_KEY);
  if (row) return Buffer.from(row.value, 'hex');
  const secret = randomBytes(32);
  db.prepare('INSERT INTO workspace_meta (key, value) VALUES (?, ?)').run(SECRET_KEY, secret.toString('hex'));
  return secret;
}

/** A UID under the 2.25 root (PS3.5 B.2): the decimal form of 128 bits. */
export function uidFromBytes(bytes: Uint8Array): string {
  let n = 0n;
  for (const b of bytes.subarray(0, 16)) n = (n << 8n) | BigInt(b);
  return `2.25.${n.toString()}`;
}

/** A fresh random UID (for new objects such as an SR document). */
export function newUid(): string {
  return uidFromBytes(randomBytes(16));
}

/**
 * The workspace's pseudonyms. New ones are stored as they are made; call inside a write transaction
 * so that an export's pseudonyms are numbered without gaps when two exports run at once.
 */
export function createPseudonyms(db: Db): Pseudonyms {
  const secret = workspaceSecret(db);
  const find = db.prepare<[string, string], { pseudonym: string }>(
    'SELECT pseudonym FROM pseudonyms WHERE kind = ? AND original = ?',
  );
  const count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM pseudonyms WHERE kind = ?');
  const insert = db.prepare<[string, string, string, string]>(
    'INSERT INTO pseudonyms (kind, original, pseudonym, created_at) VALUES (?, ?, ?, ?)',
  );
  const cache = new Map<string, string>();
  const get = (kind: PseudonymKind, original: string, make: () => string): string => {
    const key = `${kind}\u0000${original}`;
    let p = cache.get(key) ?? find.get(kind, original)?.pseudonym;
    if (p === undefined) {
      p = make();
      insert.run(kind, original, p, new Date().toISOString());
    }
    cache.set(key, p);
    return p;
  };
  const numbered = (kind: PseudonymKind, prefix: string, digits: number) => (): string =>
    `${prefix}${String(count.get(kind)!.n + 1).padStart(digits, '0')}`;
  return {
    patientId: (real) => get('patient', real, numbered('patient', 'ANON-', 4)),
    reader: (name) => get('reader', name.toLowerCase(), numbered('reader', 'Reader-', 2)),
    uid: (real) => get('uid', real, () => uidFromBytes(createHmac('sha256', secret).update(real).digest())),
  };
}
