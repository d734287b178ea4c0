// `RUN --mount=type=ssh`: a socket of our own that relays each connection to the client's ssh-agent,
// so the step gets the mode and owner the Dockerfile asks for (the agent's own socket keeps its
// owner's), and the agent is reachable only while the step runs.
import { chmod, chown } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface SshForward {
  readonly path: string;
  close(): Promise<void>;
}

export async function forwardAgent(agentPath: string, path: string, mode: number, uid: number, gid: number): Promise<SshForward> {
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    const agent = createConnection(agentPath);
    open.add(client).add(agent);
    const end = (): void => { client.destroy(); agent.destroy(); open.delete(client); open.delete(agent); };
    client.on('error', end).on('close', end);
    agent.on('error', end).on('close', end);
    client.pipe(agent).pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
  await chown(path, uid, gid);
  await chmod(path, mode);
  return {
    path,
    close: () => new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      server.close(() => resolve());
    }),
  };
}
