// Parity with pydicom (+GDCM) on images GDCM compresses here, for what the pydicom corpus lacks:
// multi-frame JPEG 2000 / JPEG-LS / lossless JPEG / RLE, colour JPEG-LS and JPEG 2000.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PYTHON,
  decodeAll,
  expectSameAsReference,
  pydicomEnvironment,
  runReference,
  type Reference,
} from './reference';

function generate(): { skip: string } | { folder: string; files: string[]; error?: unknown } {
  const env = pydicomEnvironment();
  if ('skip' in env) return env;
  const folder = mkdtempSync(join(tmpdir(), 'dvt-gdcm-'));
  try {
    const script = join(import.meta.dirname, 'gdcm_generate.py');
    const out = execFileSync(PYTHON, [script, folder], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { folder, files: out.trim().split('\n') };
  } catch (error) {
    return { folder, files: [], error }; // reported by the first test: GDCM is there, so this is a bug
  }
}

const generated = generate();
const files = 'files' in generated ? generated.files : [];
const skip = 'skip' in generated ? generated.skip : null;

describe.skipIf(skip !== null)(`GDCM-compressed images${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let refs = new Map<string, Reference>();
  beforeAll(async () => {
    refs = await runReference(files);
  });
  afterAll(() => {
    if ('folder' in generated) rmSync(generated.folder, { recursive: true, force: true });
  });

  it('generates the images', () => {
    if ('error' in generated && generated.error !== undefined) {
      throw new Error('gdcm_generate.py failed', { cause: generated.error });
    }
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [basename(f), f]))('%s', (_name, file) => {
    const ref = refs.get(file);
    if (!ref?.ok) throw new Error(`pydicom cannot decode the generated file: ${ref?.error}`);
    expectSameAsReference(decodeAll(file), ref);
  });
});
