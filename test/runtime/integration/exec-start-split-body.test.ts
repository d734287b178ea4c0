// An exec start whose JSON body reaches the daemon after its headers (a slow client, or simply a packet
// boundary; the docker CLI did it now and then in CI): the body must be read as the request's body and
// never become the start of the process's stdin.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { engineTestOptions, importBusybox, startEngine, type Engine } from '../containers/engine-fixture.js';

const opts = engineTestOptions();
let e: Engine;
before(async () => {
  if (opts.skip) return;
  e = await startEngine();
  await importBusybox(e);
});
after(async () => { await e?.dispose(); });

/** POST /exec/ID/start with Upgrade: tcp, the body sent `delayMs` after the headers, then `stdin`; all output. */
function execStartSplit(socketPath: string, execId: string, delayMs: number, stdin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ Detach: false, Tty: false });
    const s = connect(socketPath);
    const chunks: Buffer[] = [];
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', reject);
    s.on('close', () => resolve(Buffer.concat(chunks).toString()));
    s.write(`POST /v1.41/exec/${execId}/start HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: ${body.length}\r\n\r\n`);
    setTimeout(() => {
      s.write(body.slice(0, 5));
      setTimeout(() => {
        s.write(body.slice(5));
        setTimeout(() => { s.write(stdin); s.end(); }, delayMs);
      }, delayMs);
    }, delayMs);
  });
}

test('an exec start body that arrives after the headers, in pieces, is read as the body, not as stdin', opts, async () => {
  assert.equal((await e.docker(['run', '-d', '--name', 'split', 'busybox', 'sleep', '300'])).code, 0);
  try {
    for (const delayMs of [0, 50, 150]) {
      const exec = await e.client.getContainer('split').exec({ Cmd: ['cat'], AttachStdin: true, AttachStdout: true, Tty: false });
      const out = await execStartSplit(e.socket, exec.id, delayMs, 'through stdin\n');
      const payload = out.slice(out.indexOf('\r\n\r\n') + 4);
      assert.match(out, /^HTTP\/1\.1 101/, out);
      assert.doesNotMatch(payload, /Detach/, `the body leaked into stdin (delay ${delayMs} ms): ${JSON.stringify(payload)}`);
      assert.match(payload, /through stdin/, `stdin reached cat (delay ${delayMs} ms): ${JSON.stringify(payload)}`);
    }
  } finally {
    await e.docker(['rm', '-f', 'split']);
  }
});
