/** What crosses a boundary (IPC, HTTP, CLI) instead of an exception. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export interface AppError {
  /** Stable, machine-readable kind of failure. */
  code: 'invalid-input' | 'not-found' | 'unsupported' | 'io' | 'internal';
  message: string;
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = (code: AppError['code'], message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});
