// `dvt worklist`: the triage worklist the reading view shows, as JSON (the Worklist schema of
// shared/reading/schemas.ts: { model, readerId, threshold, rows }).
import { DEFAULT_SUGGESTION_THRESHOLD } from '../../shared/reading/constants';
import type { Worklist } from '../../shared/reading/schemas';
import { evaluationStoreOf } from '../evaluation/handlers';
import { readingContextOf } from '../reading/context';
import { buildWorklist } from '../reading/worklist';
import { parseCommand, requireString, UsageError, type ParsedCommand } from './args';
import { type Command, inExistingWorkspace } from './workspaceCommand';

function thresholdOf(cmd: ParsedCommand): number {
  const v = cmd.values['threshold'];
  if (v === undefined) return DEFAULT_SUGGESTION_THRESHOLD;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!(n >= 0 && n <= 1)) throw new UsageError(`--threshold must be a number in [0, 1], got ${String(v)}`);
  return n;
}

export const readingCommands: Record<string, Command> = {
  worklist: {
    usage: 'dvt worklist --workspace DIR --model NAME [--reader NAME] [--threshold S] [--json]',
    summary:
      "every series ordered by the model's suspicion (unread first), with the model's run state, highest score, suggestions and the reader's status",
    run: async (argv) => {
      const cmd = parseCommand(argv, {
        workspace: { type: 'string' },
        model: { type: 'string' },
        reader: { type: 'string' },
        threshold: { type: 'string' },
      });
      if (cmd.positionals.length > 0) throw new UsageError(`unexpected argument ${cmd.positionals[0]}`);
      const dir = requireString(cmd, 'workspace');
      const modelName = requireString(cmd, 'model');
      const readerName = cmd.values['reader'];
      if (readerName !== undefined && (typeof readerName !== 'string' || readerName === ''))
        throw new UsageError('--reader takes a reader name');
      const threshold = thresholdOf(cmd);
      return inExistingWorkspace(dir, (ws): Worklist => {
        const model = ws.inference.models.byName(modelName);
        if (!model) {
          const known = ws.inference.listModels().map((m) => m.name);
          throw new Error(
            `no model "${modelName}" in this workspace (registered: ${known.join(', ') || 'none'})`,
          );
        }
        let readerId: number | null = null;
        if (typeof readerName === 'string') {
          // Names ignore case, as everywhere else (the column is COLLATE NOCASE).
          const store = evaluationStoreOf(ws);
          const reader = store.readerNamed(readerName);
          if (!reader) {
            const known = store.readers().map((r) => r.name);
            throw new Error(
              `no reader "${readerName}" in this workspace (readers: ${known.join(', ') || 'none'})`,
            );
          }
          readerId = reader.id;
        }
        return buildWorklist(readingContextOf(ws), model.summary.id, readerId, threshold);
      });
    },
  },
};
