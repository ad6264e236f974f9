// The small part of daikon (untyped CommonJS) that daikonAdapter.ts uses.
declare module 'daikon' {
  interface DaikonTag {
    readonly group: number;
    readonly element: number;
    readonly vr: string | null;
    readonly offsetStart: number;
    readonly offsetValue: number;
    readonly offsetEnd: number;
  }
  interface DaikonImage {
    readonly tags: Record<string, DaikonTag | undefined>;
  }
  interface DaikonParser {
    littleEndian: boolean;
    explicit: boolean;
    metaFinished: boolean;
    metaFinishedOffset: number;
    level: number;
    charset: unknown;
    error: unknown;
    inflated: ArrayBuffer | null;
    parse(data: DataView): DaikonImage | null;
    findFirstTagOffset(data: DataView): number;
    getNextTag(data: DataView, offset: number, testForTag?: boolean): DaikonTag | null;
    parseSublist(data: DataView, offset: number, length: number, raw: boolean): DaikonTag[];
  }
  interface DaikonParserClass {
    new (): DaikonParser;
    VRS: string[];
    DATA_VRS: string[];
  }
  const daikon: {
    Parser: DaikonParserClass;
    Tag: new (
      group: number,
      element: number,
      vr: string | null,
      value: ArrayBuffer | null,
      offsetStart: number,
      offsetValue: number,
      offsetEnd: number,
      littleEndian: boolean,
      charset: unknown,
    ) => DaikonTag;
  };
  export default daikon;
}
