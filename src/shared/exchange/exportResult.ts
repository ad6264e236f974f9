import type { z } from 'zod';
import type { ExportResultSchema } from './exchangeSchemas';

/** What an export wrote. */
export type ExportResult = z.infer<typeof ExportResultSchema>;
