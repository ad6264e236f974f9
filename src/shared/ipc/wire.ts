// JSON for the browser harness, with typed arrays carried as base64 so that slice pixels (and an
// evaluation dataset's box columns) cross HTTP intact. (Electron IPC uses structured clone and needs
// none of this.) Bytes go in the platform's order, which is little-endian on every machine we run on.

const TYPED_ARRAY_NAMES = ['Int16Array', 'Float32Array', 'Uint8Array', 'Int32Array', 'Float64Array'] as const;
type TypedArrayName = (typeof TYPED_ARRAY_NAMES)[number];
type WireArray = Int16Array | Float32Array | Uint8Array | Int32Array | Float64Array;

// instanceof, not constructor.name: a subclass or a minified build must not change the tag.
const typedArrayName = (v: unknown): TypedArrayName | null => {
  if (v instanceof Int16Array) return 'Int16Array';
  if (v instanceof Float32Array) return 'Float32Array';
  if (v instanceof Uint8Array) return 'Uint8Array';
  if (v instanceof Int32Array) return 'Int32Array';
  if (v instanceof Float64Array) return 'Float64Array';
  return null;
};

interface WireTypedArray {
  $typed: TypedArrayName;
  base64: string;
}

const isWireTypedArray = (v: unknown): v is WireTypedArray =>
  typeof v === 'object' &&
  v !== null &&
  '$typed' in v &&
  'base64' in v &&
  TYPED_ARRAY_NAMES.includes(v.$typed as TypedArrayName);

// Node's Buffer encodes base64 about 20× faster than btoa over a binary string; the browser has no Buffer.
interface NodeBufferLike {
  from(bytes: Uint8Array): { toString(encoding: 'base64'): string };
}
const nodeBuffer = (globalThis as { Buffer?: NodeBufferLike }).Buffer;

function toBase64(bytes: Uint8Array): string {
  if (nodeBuffer) return nodeBuffer.from(bytes).toString('base64');
  let s = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) s += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(s);
}

// Native base64 decoding where the runtime has it (recent Chromium); else atob.
const nativeFromBase64 = (Uint8Array as { fromBase64?: (b64: string) => Uint8Array }).fromBase64;

function fromBase64(b64: string): Uint8Array {
  if (nativeFromBase64) return nativeFromBase64(b64);
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    const name = typedArrayName(v);
    if (name === null) return v;
    const array = v as WireArray;
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    return { $typed: name, base64: toBase64(bytes) } satisfies WireTypedArray;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (!isWireTypedArray(v)) return v;
    const bytes = fromBase64(v.base64);
    // Copy into a fresh, aligned buffer of the right element type.
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    switch (v.$typed) {
      case 'Int16Array':
        return new Int16Array(buf);
      case 'Float32Array':
        return new Float32Array(buf);
      case 'Int32Array':
        return new Int32Array(buf);
      case 'Float64Array':
        return new Float64Array(buf);
      default:
        return new Uint8Array(buf);
    }
  });
}
