import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * Synchronous twin of readWholeFile, for loops that read many files and yield now and then.
 * Given `reuse` of exactly the file's size, reads into it instead of allocating (a series' slices
 * are usually all the same size, so a loop makes no garbage).
 */
export function readWholeFileSync(path: string, reuse?: Uint8Array): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const { size } = fstatSync(fd);
    const bytes = reuse?.length === size ? reuse : Buffer.allocUnsafeSlow(size);
    let offset = 0;
    while (offset < size) {
      const bytesRead = readSync(fd, bytes, offset, size - offset, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
    }
    return offset === size ? bytes : bytes.subarray(0, offset);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a whole file into a buffer of its own in one read call. `fs.promises.readFile` reads in
 * 512 KiB chunks and runs several times slower on CT slices (about 0.5 MB each); a buffer of its
 * own (never from Node's pool) can also go to the DICOM parser without a copy.
 */
export async function readWholeFile(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    // Not zero-filled and never from Node's pool: every byte is about to be overwritten.
    const bytes = Buffer.allocUnsafeSlow(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(bytes, offset, size - offset, offset);
      if (bytesRead === 0) break; // the file shrank while we read it
      offset += bytesRead;
    }
    return offset === size ? bytes : bytes.subarray(0, offset);
  } finally {
    await handle.close();
  }
}
