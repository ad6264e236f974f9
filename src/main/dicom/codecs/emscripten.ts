// Synchronous start-up of the Emscripten builds shipped by the @cornerstonejs codec packages.
// Their factories return a Promise, but Emscripten lets the host instantiate the WebAssembly itself
// (Module.instantiateWasm); Node compiles and instantiates synchronously, so once the factory
// returns, the module object is ready and decodeFrame() can stay synchronous.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

// The project's lib settings (ES2023 without DOM) do not describe WebAssembly; this is what we use.
type WasmImports = Record<string, Record<string, unknown>>;
type WasmExports = Record<string, unknown>;
interface WasmInstance {
  readonly exports: WasmExports;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: WasmImports) => WasmInstance;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export type EmscriptenModule = Record<string, unknown>;

/**
 * Loads `glue` (the package's `decodewasmjs` export, CommonJS) with the `wasm` file beside it.
 * Both are resolved from node_modules at run time, so the packages must stay external to any bundle.
 */
export function loadEmscriptenModule(glue: string, wasm: string): EmscriptenModule {
  const factory: unknown = requireHere(glue);
  if (typeof factory !== 'function') throw new Error(`${glue} does not export an Emscripten factory`);
  const wasmModule = new wasmApi.Module(readFileSync(requireHere.resolve(wasm)));
  const moduleArg: EmscriptenModule = {
    print: () => {},
    printErr: () => {},
    instantiateWasm: (
      imports: WasmImports,
      receive: (instance: WasmInstance, module: object) => void,
    ): WasmExports => {
      const instance = new wasmApi.Instance(wasmModule, imports);
      receive(instance, wasmModule);
      return instance.exports;
    },
  };
  const ready: unknown = (factory as (arg: EmscriptenModule) => unknown)(moduleArg);
  if (ready instanceof Promise) ready.catch(() => {}); // failures show as calledRun === false below
  if (moduleArg.calledRun !== true) throw new Error(`${glue} did not start synchronously`);
  return moduleArg;
}

/**
 * A codec module loaded on first use. After a failed decode it is dropped and loaded again on the
 * next use: an aborted Emscripten runtime (e.g. out of memory on a corrupt stream) stays unusable.
 */
export class LazyModule {
  private module: EmscriptenModule | null = null;
  constructor(
    private readonly glue: string,
    private readonly wasm: string,
  ) {}

  use<T>(run: (module: EmscriptenModule) => T): T {
    this.module ??= loadEmscriptenModule(this.glue, this.wasm);
    try {
      return run(this.module);
    } catch (e) {
      this.module = null;
      throw e;
    }
  }
}

/** The members of an embind decoder object that the codecs use. */
export interface EmbindDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): unknown;
  decode(): void;
  delete(): void;
}

/** New instance of the embind class `name` of `module`, checked to have the decoder methods. */
export function newDecoder<T extends EmbindDecoder>(module: EmscriptenModule, name: string): T {
  const ctor = module[name];
  if (typeof ctor !== 'function') throw new Error(`codec module has no ${name}`);
  const decoder: unknown = new (ctor as new () => unknown)();
  for (const method of ['getEncodedBuffer', 'getDecodedBuffer', 'getFrameInfo', 'decode', 'delete']) {
    if (typeof (decoder as Record<string, unknown>)[method] !== 'function')
      throw new Error(`${name} has no ${method}()`);
  }
  return decoder as T;
}

/** Frame information reported by the decoders (fields differ a little between codecs). */
export interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}

export function readFrameInfo(info: unknown): FrameInfo {
  const o = (typeof info === 'object' && info !== null ? info : {}) as Record<string, unknown>;
  const num = (k: string): number => (typeof o[k] === 'number' ? o[k] : 0);
  return {
    width: num('width'),
    height: num('height'),
    bitsPerSample: num('bitsPerSample'),
    componentCount: num('componentCount'),
    isSigned: o.isSigned === true,
  };
}

/** Runs one decode with a fresh decoder; copies the output out of the WebAssembly heap. */
export function runDecoder<T extends EmbindDecoder>(
  decoder: T,
  encoded: Uint8Array,
  extra?: (d: T) => void,
): { data: Uint8Array; info: FrameInfo } {
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    decoder.decode();
    const info = readFrameInfo(decoder.getFrameInfo());
    extra?.(decoder);
    return { data: decoder.getDecodedBuffer().slice(), info };
  } finally {
    decoder.delete();
  }
}
