// Container output as prefixed lines: the Engine API's multiplexed frames (8-byte header: stream,
// 3 zero bytes, big-endian length) undone, cut into lines, each line prefixed "web-1  | " in the
// service's colour, as docker compose prints logs.

/** Undoes the multiplexing; chunks may cut frames anywhere. */
export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { stream: 'stdout' | 'stderr'; data: Buffer }[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: { stream: 'stdout' | 'stderr'; data: Buffer }[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      out.push({ stream: this.pending[0] === 2 ? 'stderr' : 'stdout', data: this.pending.subarray(8, 8 + size) });
      this.pending = this.pending.subarray(8 + size);
    }
    return out;
  }
}

/** Whether a first chunk is a multiplexed frame (a TTY container's output is raw). */
export function looksMultiplexed(chunk: Buffer): boolean {
  return chunk.length >= 8 && chunk[0] <= 2 && chunk[1] === 0 && chunk[2] === 0 && chunk[3] === 0;
}

/** Joins chunks into whole lines; `flush` gives the unterminated rest. */
export class LineSplitter {
  private rest = '';

  push(text: string): string[] {
    const parts = (this.rest + text).split('\n');
    this.rest = parts.pop() ?? '';
    return parts.map((l) => l.replace(/\r$/, ''));
  }

  flush(): string[] {
    const r = this.rest;
    this.rest = '';
    return r ? [r] : [];
  }
}

// docker compose's palette: cyan, yellow, green, magenta, blue, then the bright ones.
const COLOURS = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

export class Prefixer {
  private readonly colourOf = new Map<string, number>();

  constructor(
    private readonly width: number,
    private readonly colour: boolean,
  ) {}

  /** "web-1  | " with the name padded to the longest one, coloured per service. */
  prefix(name: string, service: string): string {
    const text = `${name.padEnd(this.width)}  | `;
    if (!this.colour) return text;
    if (!this.colourOf.has(service)) this.colourOf.set(service, COLOURS[this.colourOf.size % COLOURS.length]);
    return `\x1b[${this.colourOf.get(service)}m${text}\x1b[0m`;
  }
}
