import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ModelManifest } from '../../shared/model/manifest';
import { sha256 } from '../io/sha256';
import { InvalidInputError } from '../services/errors';
import { checkGraph } from './checkGraph';
import { findManifest } from './manifestSource';
import type { ModelStore, StoredModel } from './modelStore';
import { readOnnxGraph } from './onnxGraph';

export interface RegisterOptions {
  /** Registers under this name instead of the manifest's. */
  name?: string;
  /** Loads the model in onnxruntime (in a worker) and rejects with the runtime's reason if it cannot. */
  probe: (onnxPath: string) => Promise<void>;
  now?: () => Date;
}

export interface Registered {
  model: StoredModel;
  /** The same bytes were already registered under this name; nothing changed. */
  alreadyRegistered: boolean;
}

/**
 * Registers an ONNX detector in a workspace: reads its manifest (sidecar or embedded), checks the
 * graph's input and outputs against it, makes sure onnxruntime can load it, then copies the file
 * into `<workspace>/models/<sha256>.onnx` and records it. Any fault is an InvalidInputError naming
 * the file and the reason, and leaves the workspace as it was.
 */
export async function registerModel(
  workspaceDir: string,
  store: ModelStore,
  sourcePath: string,
  options: RegisterOptions,
): Promise<Registered> {
  const path = resolve(sourcePath);
  let bytes: Uint8Array;
  try {
    if (!statSync(path).isFile()) throw new Error('not a file');
    bytes = readFileSync(path);
  } catch (err) {
    throw new InvalidInputError(`${path}: cannot read the model (${(err as Error).message})`);
  }
  const fail = (reason: string): never => {
    throw new InvalidInputError(reason.startsWith(path) ? reason : `${path}: ${reason}`);
  };

  let graph;
  try {
    graph = readOnnxGraph(bytes);
  } catch (err) {
    return fail((err as Error).message);
  }
  let manifest: ModelManifest;
  try {
    manifest = findManifest(path, graph.metadata).manifest;
  } catch (err) {
    return fail((err as Error).message);
  }
  if (options.name !== undefined) {
    const renamed = ModelManifest.safeParse({ ...manifest, name: options.name });
    if (!renamed.success) return fail(`"${options.name}" is not a valid model name`);
    manifest = renamed.data;
  }
  let facts;
  try {
    facts = checkGraph(manifest, graph);
  } catch (err) {
    return fail(`the graph does not match its manifest: ${(err as Error).message}`);
  }

  const hash = sha256(bytes);
  const existing = store.byName(manifest.name);
  if (existing) {
    if (existing.summary.sha256 === hash) return { model: existing, alreadyRegistered: true };
    return fail(
      `a different model named "${manifest.name}" is already registered (sha256 ${existing.summary.sha256.slice(0, 12)}…); register this one under another name`,
    );
  }

  try {
    await options.probe(path);
  } catch (err) {
    return fail(`onnxruntime cannot load it: ${(err as Error).message}`);
  }

  const dir = join(workspaceDir, 'models');
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `${hash}.onnx`);
  if (!existsSync(target)) {
    // Copy under a temporary name first: a half-copied file never looks like a registered model.
    const partial = `${target}.partial`;
    try {
      copyFileSync(path, partial);
      renameSync(partial, target);
    } catch (err) {
      rmSync(partial, { force: true });
      throw new Error(`cannot copy the model into the workspace: ${(err as Error).message}`, { cause: err });
    }
  }
  const model = store.insert({
    name: manifest.name,
    sha256: hash,
    filePath: target,
    fileSize: bytes.length,
    sourcePath: path,
    manifestJson: JSON.stringify(manifest),
    graphJson: JSON.stringify({ ...facts, inputs: graph.inputs, outputs: graph.outputs }),
    addedAt: (options.now?.() ?? new Date()).toISOString(),
  });
  return { model, alreadyRegistered: false };
}
