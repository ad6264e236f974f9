import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { MANIFEST_METADATA_KEY, parseManifest, type ModelManifest } from '../../shared/model/manifest';

/** The sidecar of `x.onnx` is `x.json`. */
export function sidecarPathOf(onnxPath: string): string {
  return onnxPath.replace(/\.onnx$/i, '') + '.json';
}

export interface FoundManifest {
  manifest: ModelManifest;
  /** Where it came from: the sidecar's path, or 'metadata_props'. */
  source: string;
}

/**
 * A model's manifest: the JSON sidecar when there is one (it can be edited without rewriting the
 * model), else the copy embedded in the ONNX metadata. Errors name the file that holds the fault.
 */
export function findManifest(onnxPath: string, metadata: Record<string, string>): FoundManifest {
  const sidecar = sidecarPathOf(onnxPath);
  if (existsSync(sidecar)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(sidecar, 'utf8'));
    } catch (err) {
      throw new Error(`${sidecar}: not valid JSON (${(err as Error).message})`, { cause: err });
    }
    try {
      return { manifest: parseManifest(json), source: sidecar };
    } catch (err) {
      throw new Error(`${sidecar}: ${(err as Error).message}`, { cause: err });
    }
  }
  const embedded = metadata[MANIFEST_METADATA_KEY];
  if (embedded === undefined) {
    throw new Error(
      `${onnxPath}: no manifest (neither ${basename(sidecar)} next to it nor "${MANIFEST_METADATA_KEY}" in its metadata_props)`,
    );
  }
  try {
    return { manifest: parseManifest(JSON.parse(embedded)), source: 'metadata_props' };
  } catch (err) {
    throw new Error(`${onnxPath}: embedded manifest: ${(err as Error).message}`, { cause: err });
  }
}
