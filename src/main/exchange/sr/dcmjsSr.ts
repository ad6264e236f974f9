/**
 * The only place the SR exchange touches dcmjs. Writing takes a data set as plain keyword → value objects
 * and returns Part 10 bytes (explicit VR little endian, UTF-8 text); reading returns `DicomItem`s that
 * answer by keyword, so writeSr.ts and readSr.ts never see dcmjs's element shapes.
 *
 * One dcmjs quirk is mended here: `DicomMessage.readFile` decodes text inside sequence items as
 * windows-1252 whatever the Specific Character Set says (each item gets a fresh stream with the default
 * decoder), so a UTF-8 reader name "Müller" in the content tree comes back as "MÃ¼ller". Such text is
 * turned back into its bytes and decoded with the file's character set — only while a probe shows that
 * dcmjs still behaves so, so a dcmjs that fixes it is not double-decoded.
 */
import dcmjs, { type DcmjsReadElement, type DcmjsReadElements } from 'dcmjs';

export type DicomValue =
  string | number | readonly string[] | readonly number[] | readonly DicomDataset[] | ArrayBuffer;
/** A data set by DICOM keyword, e.g. { PatientID: 'P1', ContentSequence: [ ... ] }. */
export interface DicomDataset {
  readonly [keyword: string]: DicomValue;
}

/** Throws on a keyword dcmjs does not know: it would drop the element with only a log line. */
function checkKeywords(dataset: DicomDataset, where: string): void {
  for (const [keyword, value] of Object.entries(dataset)) {
    if (!dcmjs.data.DicomMetaDictionary.nameMap[keyword]) {
      throw new Error(`${where}: ${keyword} is not a DICOM keyword`);
    }
    if (Array.isArray(value)) {
      for (const item of value) {
        if (typeof item === 'object' && item !== null) checkKeywords(item as DicomDataset, keyword);
      }
    }
  }
}

/** Part 10 bytes of `dataset` with file meta information `meta` (group 0002, without its group length). */
export function writePart10(meta: DicomDataset, dataset: DicomDataset): Uint8Array {
  checkKeywords(meta, 'file meta');
  checkKeywords(dataset, 'data set');
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const file = new DicomDict(DicomMetaDictionary.denaturalizeDataset({ ...meta }));
  file.dict = DicomMetaDictionary.denaturalizeDataset({ ...dataset });
  return new Uint8Array(file.write());
}

// --- reading -------------------------------------------------------------------------------------

const tagCache = new Map<string, string>();
/** "ContentSequence" → "0040A730" (dcmjs's key for read elements). */
function tagOf(keyword: string): string {
  let tag = tagCache.get(keyword);
  if (tag === undefined) {
    const entry = dcmjs.data.DicomMetaDictionary.nameMap[keyword];
    if (!entry) throw new Error(`${keyword} is not a DICOM keyword`);
    tag = entry.tag.replace(/[(),]/g, '').toUpperCase();
    tagCache.set(keyword, tag);
  }
  return tag;
}

type Recode = (text: string) => string;
const asIs: Recode = (text) => text;

/** Text of one value: strings as they are, person names by their alphabetic group, numbers as written. */
function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object' && value !== null && 'Alphabetic' in value) {
    const alphabetic = value.Alphabetic;
    return typeof alphabetic === 'string' ? alphabetic : null;
  }
  return null;
}

/** A read data set (or sequence item), answering by keyword. Absent and empty read the same. */
export class DicomItem {
  constructor(
    private readonly elements: DcmjsReadElements,
    private readonly recode: Recode,
    private readonly nestedRecode: Recode,
  ) {}

  private values(keyword: string): unknown[] {
    const element: DcmjsReadElement | undefined = this.elements[tagOf(keyword)];
    return Array.isArray(element?.Value) ? element.Value : [];
  }

  has(keyword: string): boolean {
    return this.values(keyword).length > 0;
  }

  /** Every value as text (trimmed of DICOM's padding); values that are not text are left out. */
  strings(keyword: string): string[] {
    const out: string[] = [];
    for (const value of this.values(keyword)) {
      const text = textOf(value);
      if (text !== null) out.push(this.recode(text).trim());
    }
    return out;
  }

  /** The first value as text, or null when there is none or it is empty. */
  string(keyword: string): string | null {
    const first = this.strings(keyword)[0];
    return first === undefined || first === '' ? null : first;
  }

  /** Every value as a number (binary VRs as read, DS/IS parsed); NaN where a value is not a number. */
  numbers(keyword: string): number[] {
    return this.values(keyword).map((value) => {
      if (typeof value === 'number') return value;
      if (typeof value === 'string' && value.trim() !== '') return Number(value);
      return Number.NaN;
    });
  }

  items(keyword: string): DicomItem[] {
    const out: DicomItem[] = [];
    for (const value of this.values(keyword)) {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        out.push(new DicomItem(value as DcmjsReadElements, this.nestedRecode, this.nestedRecode));
      }
    }
    return out;
  }
}

/** WHATWG's "latin1" is windows-1252; this undoes it, character → byte. */
const windows1252Bytes: ReadonlyMap<string, number> = (() => {
  const decoder = new TextDecoder('latin1');
  const map = new Map<string, number>();
  for (let byte = 0; byte < 256; byte++) map.set(decoder.decode(Uint8Array.of(byte)), byte);
  return map;
})();

/** TextDecoder labels for the single-valued character sets a report of ours or others may declare. */
const DECODER_LABELS: Record<string, string> = {
  'ISO_IR 192': 'utf-8',
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 203': 'iso-8859-15',
  'ISO_IR 166': 'windows-874',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

function recoderFor(characterSet: string | null): Recode {
  const label = characterSet === null ? undefined : DECODER_LABELS[characterSet];
  if (label === undefined) return asIs; // ASCII, or ISO_IR 100, which windows-1252 already reads
  const decoder = new TextDecoder(label, { fatal: true });
  return (text) => {
    // eslint-disable-next-line no-control-regex -- ASCII text is the same in every character set
    if (/^[\u0000-\u007f]*$/.test(text)) return text;
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const byte = windows1252Bytes.get(text.charAt(i));
      if (byte === undefined) return text; // not windows-1252 output: decoded right already
      bytes[i] = byte;
    }
    try {
      return decoder.decode(bytes);
    } catch {
      return text;
    }
  };
}

let nestedTextMisdecoded: boolean | null = null;
/** Whether this dcmjs still reads sequence-item text as windows-1252 (checked once, on a tiny file). */
function dcmjsMisdecodesNestedText(): boolean {
  if (nestedTextMisdecoded === null) {
    const probe = 'é';
    const bytes = writePart10(
      {
        FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
        MediaStorageSOPClassUID: '1.2.3',
        MediaStorageSOPInstanceUID: '1.2.3',
        TransferSyntaxUID: '1.2.840.10008.1.2.1',
      },
      { SpecificCharacterSet: 'ISO_IR 192', ContentSequence: [{ TextValue: probe }] },
    );
    const read = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer);
    const item = new DicomItem(read.dict, asIs, asIs).items('ContentSequence')[0];
    nestedTextMisdecoded = item?.string('TextValue') !== probe;
  }
  return nestedTextMisdecoded;
}

export interface Part10 {
  meta: DicomItem;
  dataset: DicomItem;
}

/**
 * Parses Part 10 bytes. Throws an Error whose message says why (no "DICM" prefix, or dcmjs's reason for
 * a structure it cannot follow), never anything else.
 */
export function readPart10(bytes: Uint8Array): Part10 {
  let read: ReturnType<typeof dcmjs.data.DicomMessage.readFile>;
  try {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    read = dcmjs.data.DicomMessage.readFile(buffer as ArrayBuffer);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (/expected header is missing/.test(reason)) {
      throw new Error('not a DICOM file (no "DICM" prefix after the 128-byte preamble)', { cause: error });
    }
    const truncated = /past end|more than currently allocated|outside the bounds|out of range/i.test(reason);
    throw new Error(`not a readable DICOM file (${truncated ? 'truncated or corrupt: ' : ''}${reason})`, {
      cause: error,
    });
  }
  // dcmjs reports every character set as "ISO_IR 192"; what the file said is kept in _rawValue.
  const raw = read.dict[tagOf('SpecificCharacterSet')]?._rawValue;
  const declared = (Array.isArray(raw) ? textOf(raw[0]) : textOf(raw))?.trim() ?? null;
  const nested = dcmjsMisdecodesNestedText() ? recoderFor(declared) : asIs;
  return {
    meta: new DicomItem(read.meta, asIs, asIs),
    dataset: new DicomItem(read.dict, asIs, nested),
  };
}
