// The engine's streaming answers (events, stats, pull/push/build progress) are one JSON object a line,
// in chunks that split lines, and characters, anywhere.
import { StringDecoder } from 'node:string_decoder';

/** Calls onLine with each non-empty line of the stream, trimmed, in order; the last one even without its newline. */
export function forEachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  const emit = (text: string): void => {
    const line = text.trim();
    if (line) onLine(line);
  };
  stream.on('data', (chunk: Buffer | string) => {
    buf += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      emit(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
  });
  stream.on('end', () => {
    emit(buf + decoder.end());
    buf = '';
  });
}
