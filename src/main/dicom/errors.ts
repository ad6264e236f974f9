/** Why a file could not be parsed or its pixels decoded. `message` is the human-readable reason. */
export class DicomError extends Error {
  readonly reason: string;
  readonly transferSyntaxUid: string | null;

  constructor(reason: string, transferSyntaxUid: string | null = null, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'DicomError';
    this.reason = reason;
    this.transferSyntaxUid = transferSyntaxUid;
  }
}

/** Short text of an unknown thrown value (codecs throw strings, numbers and Errors). */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  return `native error ${String(e)}`;
}
