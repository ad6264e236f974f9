// What registering a model needs from an ONNX file without loading it into a runtime: its graph's
// inputs and outputs (name, element type, shape) and its `metadata_props` (where a manifest may be
// embedded). A small protobuf reader over onnx.proto's field numbers; weights are skipped by length,
// so a 270 MB model is read in milliseconds.

export type OnnxDim = number | string | null;

export interface OnnxValueInfo {
  name: string;
  /** onnx TensorProto.DataType name, e.g. 'float32', 'int64'; 'non-tensor' for sequences and maps. */
  elemType: string;
  /** Fixed sizes as numbers, symbolic ones by name, unknown ones as null; null for an unknown rank. */
  shape: OnnxDim[] | null;
}

export interface OnnxGraphInfo {
  irVersion: number;
  opsetVersion: number | null;
  producer: string;
  metadata: Record<string, string>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

const ELEM_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** One protobuf message's fields, read lazily: field number, wire type, and the value or its bytes. */
interface Field {
  no: number;
  wire: number;
  varint: number;
  bytes: Uint8Array;
}

class Reader {
  private pos: number;
  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++] as number;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }

  *fields(): Generator<Field> {
    while (this.pos < this.end) {
      const key = this.varint();
      const no = Math.floor(key / 8);
      const wire = key & 7;
      if (no === 0) throw new Error('field number 0');
      if (wire === WIRE_VARINT) {
        yield { no, wire, varint: this.varint(), bytes: EMPTY };
      } else if (wire === WIRE_LEN) {
        const len = this.varint();
        if (this.pos + len > this.end) throw new Error(`field ${no} runs past the end of its message`);
        const bytes = this.buf.subarray(this.pos, this.pos + len);
        this.pos += len;
        yield { no, wire, varint: 0, bytes };
      } else if (wire === WIRE_I64 || wire === WIRE_I32) {
        this.pos += wire === WIRE_I64 ? 8 : 4;
        if (this.pos > this.end) throw new Error(`field ${no} runs past the end of its message`);
      } else {
        throw new Error(`unsupported wire type ${wire} (field ${no})`);
      }
    }
  }
}

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8', { fatal: false });

function fieldsOf(bytes: Uint8Array): Generator<Field> {
  return new Reader(bytes).fields();
}

function text(f: Field): string {
  return utf8.decode(f.bytes);
}

function readDim(bytes: Uint8Array): OnnxDim {
  for (const f of fieldsOf(bytes)) {
    if (f.no === 1 && f.wire === WIRE_VARINT) return f.varint;
    if (f.no === 2 && f.wire === WIRE_LEN) return text(f);
  }
  return null;
}

function readValueInfo(bytes: Uint8Array): OnnxValueInfo {
  let name = '';
  let elemType = 'non-tensor';
  let shape: OnnxDim[] | null = null;
  for (const f of fieldsOf(bytes)) {
    if (f.no === 1 && f.wire === WIRE_LEN) name = text(f);
    if (f.no !== 2 || f.wire !== WIRE_LEN) continue;
    // TypeProto: field 1 is a tensor type; other kinds (sequence, map, optional) stay 'non-tensor'.
    for (const t of fieldsOf(f.bytes)) {
      if (t.no !== 1 || t.wire !== WIRE_LEN) continue;
      for (const tt of fieldsOf(t.bytes)) {
        if (tt.no === 1 && tt.wire === WIRE_VARINT) elemType = ELEM_TYPES[tt.varint] ?? `type-${tt.varint}`;
        if (tt.no === 2 && tt.wire === WIRE_LEN) {
          shape = [];
          for (const d of fieldsOf(tt.bytes))
            if (d.no === 1 && d.wire === WIRE_LEN) shape.push(readDim(d.bytes));
        }
      }
    }
  }
  return { name, elemType, shape };
}

function initializerName(bytes: Uint8Array): string | null {
  for (const f of fieldsOf(bytes)) if (f.no === 8 && f.wire === WIRE_LEN) return text(f);
  return null;
}

/** Reads an ONNX ModelProto; throws a plain-language error when the bytes are not one. */
export function readOnnxGraph(bytes: Uint8Array): OnnxGraphInfo {
  let irVersion = 0;
  let opsetVersion: number | null = null;
  let producer = '';
  let graph: Uint8Array | null = null;
  const metadata: Record<string, string> = {};
  try {
    for (const f of fieldsOf(bytes)) {
      if (f.no === 1 && f.wire === WIRE_VARINT) irVersion = f.varint;
      else if (f.no === 2 && f.wire === WIRE_LEN) producer = text(f);
      else if (f.no === 7 && f.wire === WIRE_LEN) graph = f.bytes;
      else if (f.no === 8 && f.wire === WIRE_LEN) {
        let domain = '';
        let version: number | null = null;
        for (const o of fieldsOf(f.bytes)) {
          if (o.no === 1 && o.wire === WIRE_LEN) domain = text(o);
          if (o.no === 2 && o.wire === WIRE_VARINT) version = o.varint;
        }
        if ((domain === '' || domain === 'ai.onnx') && version !== null) opsetVersion = version;
      } else if (f.no === 14 && f.wire === WIRE_LEN) {
        let key = '';
        let value = '';
        for (const e of fieldsOf(f.bytes)) {
          if (e.no === 1 && e.wire === WIRE_LEN) key = text(e);
          if (e.no === 2 && e.wire === WIRE_LEN) value = text(e);
        }
        metadata[key] = value;
      }
    }
  } catch (err) {
    throw new Error(`not an ONNX model (${(err as Error).message})`, { cause: err });
  }
  if (!graph || irVersion === 0) throw new Error('not an ONNX model (no graph or IR version)');

  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const initializers = new Set<string>();
  for (const f of fieldsOf(graph)) {
    if (f.wire !== WIRE_LEN) continue;
    if (f.no === 11) inputs.push(readValueInfo(f.bytes));
    else if (f.no === 12) outputs.push(readValueInfo(f.bytes));
    else if (f.no === 5) {
      const name = initializerName(f.bytes);
      if (name !== null) initializers.add(name);
    }
  }
  // Before IR 4 every weight was also listed as a graph input; only the others are fed.
  return {
    irVersion,
    opsetVersion,
    producer,
    metadata,
    inputs: inputs.filter((i) => !initializers.has(i.name)),
    outputs,
  };
}
