// One readable fed to two consumers at the pace of the slower one (a pulled layer goes to the blob
// store and to the unpacker in one pass over the network). An error of the source reaches both
// branches; a branch that fails or is abandoned fails the source, and so the other branch too.
import { finished, PassThrough, type Readable } from 'node:stream';

const BRANCH_BUFFER = 1024 * 1024;

export function teeStream(source: Readable): [Readable, Readable] {
  const branches = [new PassThrough({ highWaterMark: BRANCH_BUFFER }), new PassThrough({ highWaterMark: BRANCH_BUFFER })] as const;
  let waiting = 0;
  const onDrain = (): void => {
    if (--waiting === 0) source.resume();
  };
  source.on('data', (chunk: Buffer) => {
    for (const b of branches) {
      if (b.destroyed) continue;
      if (!b.write(chunk)) {
        waiting++;
        b.once('drain', onDrain);
      }
    }
    if (waiting > 0) source.pause();
  });
  source.once('end', () => branches.forEach((b) => b.end()));
  source.once('error', (err) => branches.forEach((b) => b.destroy(err)));
  source.once('close', () => {
    if (!source.readableEnded) branches.forEach((b) => b.destroy(new Error('the stream was cut off before its end')));
  });
  for (const b of branches) {
    finished(b, (err) => {
      if (err && !source.destroyed) source.destroy(err);
    });
  }
  return [branches[0], branches[1]];
}
