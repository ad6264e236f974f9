/**
 * The sliver of dcmjs (which ships no types) that our adapters use: the phantom's DICOM writer (dicomWriter.ts) and
 * the DICOM SR exchange (exchange/sr/dcmjsSr.ts), the only files that import dcmjs. Everything here is a type except
 * the default export, which is what the package really exports.
 */
declare module 'dcmjs' {
  /** A data element in dcmjs's "denaturalized" form, keyed by its 8-hex-digit tag. */
  export interface DcmjsElement {
    vr: string;
    Value: unknown[];
  }
  export type DcmjsElements = Record<string, DcmjsElement>;

  export interface DcmjsDicomDict {
    meta: DcmjsElements;
    dict: DcmjsElements;
    write(options?: { allowInvalidVRLength?: boolean }): ArrayBuffer;
  }

  /**
   * An element as `DicomMessage.readFile` returns it: `Value` may be missing, and `_rawValue` holds what the file
   * said before dcmjs rewrote it (it reports every Specific Character Set as "ISO_IR 192").
   */
  export interface DcmjsReadElement {
    vr: string;
    Value?: unknown[];
    _rawValue?: unknown;
  }
  export type DcmjsReadElements = Record<string, DcmjsReadElement>;

  export interface DcmjsReadDict {
    meta: DcmjsReadElements;
    dict: DcmjsReadElements;
  }

  /** A data dictionary entry; `tag` is punctuated, e.g. "(0040,A730)". */
  export interface DcmjsDictionaryEntry {
    tag: string;
    vr: string;
    name: string;
  }

  const dcmjs: {
    data: {
      DicomDict: new (meta: DcmjsElements) => DcmjsDicomDict;
      DicomMetaDictionary: {
        denaturalizeDataset(dataset: Record<string, unknown>): DcmjsElements;
        /** Keyword → entry. */
        nameMap: Record<string, DcmjsDictionaryEntry | undefined>;
      };
      DicomMessage: {
        /** Parses Part 10 bytes; throws on a missing "DICM" prefix or a structure that runs past the end. */
        readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean }): DcmjsReadDict;
      };
    };
  };
  export default dcmjs;
}
