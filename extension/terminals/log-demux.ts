// The Engine API multiplexes stdout and stderr of a container without a TTY into one stream of frames:
// an 8-byte header (stream type, three zero bytes, big-endian payload length) and the payload.
// Chunks from the socket cut frames anywhere, so the demuxer keeps what it has not finished.

export interface LogFrame {
  /** 0 stdin, 1 stdout, 2 stderr (3 is the engine's own system error). */
  stream: number;
  data: Buffer;
}

export class LogDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): LogFrame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: LogFrame[] = [];
    let off = 0;
    while (this.pending.length - off >= 8) {
      const size = this.pending.readUInt32BE(off + 4);
      if (this.pending.length - off - 8 < size) break;
      frames.push({ stream: this.pending[off], data: this.pending.subarray(off + 8, off + 8 + size) });
      off += 8 + size;
    }
    this.pending = this.pending.subarray(off);
    return frames;
  }

  /** Bytes of an unfinished frame still waiting for the rest. */
  get buffered(): number {
    return this.pending.length;
  }
}

/** Whether a stream starts like multiplexed frames; engines differ in whether a TTY log is framed. */
export function looksMultiplexed(chunk: Buffer): boolean {
  return chunk.length >= 8 && chunk[0] <= 3 && chunk[1] === 0 && chunk[2] === 0 && chunk[3] === 0;
}

/**
 * A terminal moves the cursor down on \n without returning to column 0; container output uses bare \n.
 * Keeps state across chunks so a \r\n split between two chunks does not turn into \r\r\n.
 */
export class TerminalNewlines {
  private lastWasCr = false;

  convert(text: string): string {
    let out = '';
    for (const ch of text) {
      if (ch === '\n' && !this.lastWasCr) out += '\r\n';
      else out += ch;
      this.lastWasCr = ch === '\r';
    }
    return out;
  }
}
