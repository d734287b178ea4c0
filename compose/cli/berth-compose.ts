// The berth-compose program: process I/O, the engine connection, Ctrl-C, the exit status.
import * as http from 'node:http';
import { homedir } from 'node:os';
import { credentialHelperRunner } from '../credentials/credential-helper';
import { DockerConfig, dockerConfigPath } from '../credentials/docker-config';
import { DockerConfigAuth } from '../credentials/registry-auth';
import { chooseEngine, EngineAddressError } from '../engine/engine-address';
import { DockerodeEngine, dockerodeFor } from '../engine/dockerode-engine';
import { main } from './main';

/** Whether an engine answers GET /_ping on the socket (within a second). */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

async function connect(): Promise<DockerodeEngine> {
  const address = await chooseEngine(process.env, process.getuid?.() === 0, answers);
  // The docker CLI's logins (config.json, credential helpers), as docker compose sends them.
  const config = new DockerConfig(dockerConfigPath(process.env, homedir()), credentialHelperRunner(process.env));
  const auth = new DockerConfigAuth(config, (line) => process.stderr.write(`WARNING: ${line}\n`));
  return new DockerodeEngine(dockerodeFor(address), address, auth);
}

main(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stdoutIsTty: Boolean(process.stdout.isTTY),
  stdinIsTty: Boolean(process.stdin.isTTY),
  engine: connect,
  setRawMode: (raw) => {
    if (process.stdin.isTTY) process.stdin.setRawMode(raw);
    if (!raw) process.stdin.pause();
  },
  onInterrupt: (handler) => {
    let count = 0;
    const h = () => {
      count++;
      if (count > 1) process.exit(130);
      handler();
    };
    process.on('SIGINT', h);
    return () => process.off('SIGINT', h);
  },
}).then(
  (code) => {
    process.exitCode = code;
    // Open engine connections (keep-alive sockets, a still-attached stream) must not keep the process.
    setImmediate(() => process.exit(code));
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof EngineAddressError ? e.message : (e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  },
);
