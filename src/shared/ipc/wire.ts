// JSON for the browser harness, with typed arrays carried as base64 so that slice pixels
// cross HTTP intact. (Electron IPC uses structured clone and needs none of this.)

type TypedArrayName = 'Int16Array' | 'Float32Array' | 'Uint8Array';
interface WireTypedArray {
  $typed: TypedArrayName;
  base64: string;
}

const isWireTypedArray = (v: unknown): v is WireTypedArray =>
  typeof v === 'object' && v !== null && '$typed' in v && 'base64' in v;

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
    if (v instanceof Int16Array || v instanceof Float32Array || v instanceof Uint8Array) {
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      return {
        $typed: v.constructor.name as TypedArrayName,
        base64: toBase64(bytes),
      } satisfies WireTypedArray;
    }
    return v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (!isWireTypedArray(v)) return v;
    const bytes = fromBase64(v.base64);
    // Copy into a fresh, aligned buffer of the right element type.
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    if (v.$typed === 'Int16Array') return new Int16Array(buf);
    if (v.$typed === 'Float32Array') return new Float32Array(buf);
    return new Uint8Array(buf);
  });
}
