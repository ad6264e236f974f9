import { statSync } from 'node:fs';
import { parseDicom, toModalityValues, type ParseOptions, type StoredPixels } from '../dicom';
import { sha256 } from '../io/sha256';
import { readWholeFileSync } from '../io/readWholeFile';

/** What reading an instance's pixels needs from its catalog row (plain data: it crosses to workers). */
export interface InstanceFile {
  file_path: string;
  file_size: number;
  mtime_ms: number;
  content_hash: string;
  rescale_slope: number;
  rescale_intercept: number;
}

/**
 * The stored pixels of an instance's file, refusing a file whose content is no longer what was
 * imported: same-size CT slices swapped or rewritten on disk would otherwise show the wrong
 * pixels. Size and modification time decide cheaply; when they differ, the content hash does.
 */
export function storedPixelsOf(
  inst: InstanceFile,
  bytes: Uint8Array,
  mtimeMs: number,
  options: ParseOptions = {},
): StoredPixels {
  const same =
    bytes.length === inst.file_size && (mtimeMs === inst.mtime_ms || sha256(bytes) === inst.content_hash);
  if (!same) throw new Error(`${inst.file_path} changed on disk since it was imported; import it again`);
  return parseDicom(bytes, options).decodeFrame(0);
}

/** One slice in HU, read synchronously (for workers, which have no event loop to keep free). */
export function readInstanceHu(inst: InstanceFile): Int16Array | Float32Array {
  const bytes = readWholeFileSync(inst.file_path);
  const stored = storedPixelsOf(inst, bytes, statSync(inst.file_path).mtimeMs);
  return toModalityValues(stored, inst.rescale_slope, inst.rescale_intercept);
}
