// Framing between the daemon and a container monitor over the monitor's unix socket:
// [type u8][length u32 BE][payload]. Output and stdin frames carry raw bytes; control frames JSON.

export const enum FrameType { Stdin = 0, Stdout = 1, Stderr = 2, StdinEof = 3, Control = 4 }

export interface MonitorJob {
  id: string;
  containerDir: string;
  bundleDir: string;
  /** runc (or a compatible runtime) binary. */
  runtime: string;
  tty: boolean;
  openStdin: boolean;
  stdinOnce: boolean;
  consoleSize?: [number, number];
  log: { path: string; maxSize: number; maxFile: number };
  /** memory cgroup directory of the container, read for OOM kills when it exits. */
  memoryCgroup: string;
  /** The spec's linux.cgroupsPath (/<parent>/<id>), removed in every hierarchy after the exit. */
  cgroupsPath?: string;
  /** How many docker CLI connections the daemon sends over IPC right after this job (output waits for them). */
  directAttaches?: number;
  /** Which output the daemon's own connection wants (only for clients it relays); default both. */
  relay?: { stdout: boolean; stderr: boolean };
  /** A root the daemon mounted (fuse-overlayfs): unmounted when the container has exited. */
  unmountAtExit?: string;
}

export interface ExitRecord { exitCode: number; oomKilled: boolean; finishedAt: string; startedAt?: string; error?: string }

export type ControlMessage =
  | { op: 'run'; job: MonitorJob }
  | { op: 'attach'; stdin: boolean; stdout: boolean; stderr: boolean }
  | { op: 'attached' }
  | { op: 'output'; stdout: boolean; stderr: boolean }
  | { op: 'resize'; h: number; w: number }
  | { op: 'started'; pid: number; startedAt: string }
  | { op: 'exit'; record: ExitRecord }
  | { op: 'error'; message: string };

export function encodeFrame(type: FrameType, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([frameHeader(type, body.length), body]);
}

/** The 5-byte header of a frame, for writing header and payload without copying the payload. */
export function frameHeader(type: FrameType, length: number): Buffer {
  const head = Buffer.allocUnsafe(5);
  head[0] = type;
  head.writeUInt32BE(length, 1);
  return head;
}

export function encodeControl(msg: ControlMessage): Buffer {
  return encodeFrame(FrameType.Control, JSON.stringify(msg));
}

/** Incremental decoder: feed socket chunks, get whole frames. */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer, onFrame: (type: FrameType, payload: Buffer) => void): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let off = 0;
    while (this.buf.length - off >= 5) {
      const len = this.buf.readUInt32BE(off + 1);
      if (this.buf.length - off - 5 < len) break;
      const type = this.buf[off] as FrameType;
      onFrame(type, this.buf.subarray(off + 5, off + 5 + len));
      off += 5 + len;
    }
    this.buf = off === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(off);
  }
}
