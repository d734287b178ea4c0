// Waits until the debugger in the container answers on its published port. A port proxy may accept a
// connection before anything listens behind it and close it at once, so "answers" means: Node's
// inspector serves /json/version; Java's JDWP agent answers its handshake; for other debuggers a
// connection that stays open. .NET's vsdbg listens nowhere (the C# extension starts it through
// `docker exec`), so there the container running is enough. No VS Code imports.
import * as http from 'node:http';
import * as net from 'node:net';
import type { DebugPlatform } from './debug-config.js';

export type ProbeResult = { ok: true } | { ok: false; reason: 'timeout' | 'exited' | 'cancelled'; exitCode?: number };

export interface ProbeOptions {
  host: string;
  port: number;
  platform: DebugPlatform;
  timeoutMs: number;
  /** Checked between attempts: a container that stopped will never answer. */
  stillRunning: () => Promise<{ running: boolean; exitCode?: number }>;
  cancelled?: () => boolean;
}

export const DEBUGGER_NAMES: Record<DebugPlatform, string> = {
  node: 'The Node.js inspector', python: 'debugpy', go: 'Delve', java: 'The JVM\'s debug agent (JDWP)', dotnet: 'The .NET app',
};

/** What to tell the user when the debugger never answered: the port, the container, its last log lines. */
export function debuggerFailureMessage(f: { platform: DebugPlatform; container: string; debugPort: number; hostPort: number; timeoutMs: number; result: Exclude<ProbeResult, { ok: true }>; lastLines: readonly string[] }): string {
  const who = DEBUGGER_NAMES[f.platform];
  const what = f.result.reason === 'exited'
    ? `Container ${f.container} exited (code ${f.result.exitCode ?? '?'}) before ${who.replace(/^The /, 'the ')} listened on its port ${f.debugPort} (published on 127.0.0.1:${f.hostPort}).`
    : `${who} in container ${f.container} did not answer on 127.0.0.1:${f.hostPort} (its port ${f.debugPort}) within ${Math.round(f.timeoutMs / 1000)} s.`;
  const lines = f.lastLines.map((l) => l.trim()).filter(Boolean);
  return `${what} ${lines.length ? `Its last log lines: ${lines.join(' ⏎ ')}` : 'It wrote nothing to its log.'}`;
}

export async function waitForDebugger(o: ProbeOptions): Promise<ProbeResult> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    if (o.cancelled?.()) return { ok: false, reason: 'cancelled' };
    if (await answers(o)) return { ok: true };
    const state = await o.stillRunning().catch(() => ({ running: false, exitCode: undefined }));
    if (!state.running) return { ok: false, reason: 'exited', exitCode: state.exitCode };
    if (Date.now() >= deadline) return { ok: false, reason: 'timeout' };
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function answers(o: ProbeOptions): Promise<boolean> {
  switch (o.platform) {
    case 'node': return inspectorAnswers(o.host, o.port);
    case 'java': return jdwpAnswers(o.host, o.port);
    case 'dotnet': return (await o.stillRunning().catch(() => ({ running: false }))).running;
    default: return connectionStays(o.host, o.port);
  }
}

const JDWP_HANDSHAKE = 'JDWP-Handshake';

/** The JDWP handshake (the 14 bytes, echoed): a closed handshake leaves the agent listening for the real debugger. */
function jdwpAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let got = '';
    const done = (v: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(false), 2000);
    socket.once('connect', () => socket.write(JDWP_HANDSHAKE));
    socket.on('data', (chunk: Buffer) => {
      got += chunk.toString('latin1');
      if (got.length >= JDWP_HANDSHAKE.length) done(got.startsWith(JDWP_HANDSHAKE));
    });
    socket.once('close', () => done(false));
    socket.once('error', () => done(false));
  });
}

function inspectorAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/json/version', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Connected and not closed by the other side within a moment: something listens. */
function connectionStays(host: string, port: number, holdMs = 300): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let settled = false;
    const done = (v: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(false), holdMs + 1000);
    socket.once('connect', () => setTimeout(() => done(true), holdMs));
    socket.once('close', () => done(false));
    socket.once('error', () => done(false));
  });
}
