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

/** Removes the containers made from `imageRef` and the image itself; missing ones are fine. */
export async function removeImageAndContainers(socketPath: string, imageRef: string): Promise<void> {
  const docker = new Docker({ socketPath });
  const imageId = await docker.getImage(imageRef).inspect().then((i) => i.Id, () => undefined);
  // Matched here rather than with an `ancestor` filter, which not every engine implements.
  const containers = await docker.listContainers({ all: true }).catch(() => []);
  for (const c of containers.filter((c) => c.Image === imageRef || (imageId && c.ImageID === imageId))) {
    await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
  await docker.getImage(imageRef).remove({ force: true }).catch(() => undefined);
}
