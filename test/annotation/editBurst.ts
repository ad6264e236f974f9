// A burst of box edits through the handlers, for the durability test (durability.test.ts), which kills
// this process with SIGKILL in the middle of it:
//   node --import tsx test/annotation/editBurst.ts WORKSPACE SERIES_UID READER_ID
// Prints `ready`, then one line `ack {"i":…,"channel":…,"value":…}` per edit, written only after the
// handler returned (the edit committed). Cycles of five edits: create three boxes on neighbouring slices,
// move the first, relabel the second, delete the first and third, restore the first.
import { writeSync } from 'node:fs';
import { createHandlers, dispatch } from '../../src/main/services/handlers';
import { openWorkspace } from '../../src/main/workspace/workspace';
import type { AnnotationBox } from '../../src/shared/annotation/schemas';
import { SeriesUid } from '../../src/shared/ids';

const [wsDir, seriesArg, readerArg] = process.argv.slice(2);
if (!wsDir || !seriesArg || !readerArg) throw new Error('usage: editBurst.ts WORKSPACE SERIES_UID READER_ID');
const seriesUid = SeriesUid.parse(seriesArg);
const readerId = Number(readerArg);
const MAX_EDITS = 200_000;

const ws = openWorkspace(wsDir);
const handlers = createHandlers(ws);
const sops = (await handlers['series:detail']({ seriesUid })).slices.map((s) => s.sopInstanceUid);
// Synchronous writes: when the line is out, the test may count the edit as acknowledged.
const say = (line: string): void => void writeSync(1, `${line}\n`);

async function edit(i: number, channel: string, input: unknown): Promise<unknown> {
  const r = await dispatch(handlers, channel, input);
  if (!r.ok) throw new Error(`edit ${i} (${channel}) failed: ${r.error.message}`);
  say(`ack ${JSON.stringify({ i, channel, value: r.value })}`);
  return r.value;
}

say('ready');
let made: AnnotationBox[] = [];
for (let i = 0; i < MAX_EDITS; i++) {
  const cycle = Math.floor(i / 5);
  const at = (k: number) => sops[(cycle + k) % sops.length];
  const [first, second, third] = made.map((b) => b.id);
  switch (i % 5) {
    case 0: {
      const box = { space: 'dicom-pixel', x1: 10 + (cycle % 400), y1: 20, x2: 40 + (cycle % 400), y2: 60.5 };
      const boxes = [0, 1, 2].map((k) => ({ sopInstanceUid: at(k), label: 'DVT', box }));
      made = (await edit(i, 'annotations:create', { seriesUid, readerId, boxes })) as AnnotationBox[];
      break;
    }
    case 1: {
      const box = { space: 'dicom-pixel', x1: 11.25, y1: 21, x2: 50 + (cycle % 300), y2: 70 };
      await edit(i, 'annotations:update', { readerId, id: first, box });
      break;
    }
    case 2:
      await edit(i, 'annotations:update', { readerId, id: second, label: 'vein' });
      break;
    case 3:
      await edit(i, 'annotations:delete', { readerId, ids: [first, third] });
      break;
    default:
      await edit(i, 'annotations:restore', { readerId, ids: [first] });
  }
}
await ws.close();
