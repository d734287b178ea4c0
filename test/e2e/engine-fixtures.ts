// What the scenario needs from an engine outside VS Code: the offline base image, the published port
// of a container (to call it from the host), and a cleanup that leaves the engine as it was even when
// a step failed half-way (Docker Engine is shared with other tests).
import Docker from 'dockerode';
import { busyboxRootfsStream } from '../../scripts/lib/busybox-rootfs.mjs';

export const BASE_IMAGE = 'busybox:latest';

/** Imports busybox-static's root filesystem as busybox:latest unless the engine has it. */
export async function ensureBaseImage(socketPath: string): Promise<'present' | 'imported'> {
  const docker = new Docker({ socketPath });
  try {
    await docker.getImage(BASE_IMAGE).inspect();
    return 'present';
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
  const stream = await docker.importImage(await busyboxRootfsStream(), { repo: 'busybox', tag: 'latest' });
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) => {
      const failed = err?.message ?? output.find((o) => o.error)?.error;
      if (failed) reject(new Error(`import of ${BASE_IMAGE} failed: ${failed}`));
      else resolve();
    });
  });
  await docker.getImage(BASE_IMAGE).inspect();
  return 'imported';
}

/** The host port a container publishes for `containerPort` (`8080/tcp`). */
export async function publishedPort(socketPath: string, containerName: string, containerPort: string): Promise<{ ip: string; port: number }> {
  const info = await new Docker({ socketPath }).getContainer(containerName).inspect();
  const binding = info.NetworkSettings.Ports?.[containerPort]?.[0];
  if (!binding?.HostPort) throw new Error(`${containerName} publishes no host port for ${containerPort}: ${JSON.stringify(info.NetworkSettings.Ports)}`);
  return { ip: binding.HostIp || '0.0.0.0', port: Number(binding.HostPort) };
}

/**
 * A running container that prints `greeting` on every start and then idles: for logs, restart, shell.
 * Stops at once on SIGTERM (the shell is PID 1 and traps it).
 */
export async function startGreeter(socketPath: string, name: string, greeting: string): Promise<string> {
  const docker = new Docker({ socketPath });
  const container = await docker.createContainer({
    name,
    Image: BASE_IMAGE,
    Cmd: ['/bin/sh', '-c', `echo ${greeting}; trap 'exit 0' TERM; while true; do sleep 1; done`],
  });
  await container.start();
  return container.id;
}

/** A container that was created and never started. */
export async function createStopped(socketPath: string, name: string): Promise<string> {
  const container = await new Docker({ socketPath }).createContainer({ name, Image: BASE_IMAGE, Cmd: ['/bin/true'] });
  return container.id;
}

/** Everything a test made whose name starts with `prefix`: containers, images (by tag), volumes, networks. */
export async function removeByPrefix(socketPath: string, prefix: string): Promise<void> {
  const docker = new Docker({ socketPath });
  const containers = await docker.listContainers({ all: true }).catch(() => []);
  for (const c of containers) {
    if (c.Names?.some((n) => n.replace(/^\//, '').startsWith(prefix)) || c.Image.includes(prefix)) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }
  }
  const images = await docker.listImages().catch(() => []);
  for (const img of images) {
    for (const tag of img.RepoTags ?? []) if (tag.includes(prefix)) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  }
  const volumes = await docker.listVolumes().then((r) => r.Volumes ?? [], () => []);
  for (const v of volumes) if (v.Name.startsWith(prefix)) await docker.getVolume(v.Name).remove({ force: true }).catch(() => undefined);
  const networks = await docker.listNetworks().catch(() => []);
  for (const n of networks) if (n.Name.startsWith(prefix)) await docker.getNetwork(n.Id).remove().catch(() => undefined);
}

/**
 * Run Interactive names no container; a test that failed before typing `exit` leaves a shell running.
 * Removes the containers running exactly `command` on `image` that were created at or after `since`
 * (unix seconds), which in a test's time window are its own.
 */
export async function removeInteractiveLeftovers(socketPath: string, image: string, command: string, since: number): Promise<void> {
  const docker = new Docker({ socketPath });
  const containers = await docker.listContainers({ all: true }).catch(() => []);
  for (const c of containers) {
    if (c.Image === image && c.Command === command && c.Created >= since) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
}
