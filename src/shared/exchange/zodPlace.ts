import type { z } from 'zod';

/** The first problem of a failed parse as "path.to[3].field: message" (the place a user looks at). */
export function zodPlace(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
  return path ? `${path}: ${issue.message}` : issue.message;
}
