// The resolved model written back in Compose's own keys (what `config` prints): every variable
// interpolated, every short form long, paths absolute, env_file folded into environment.
import { stringify } from 'yaml';
import type { ComposeProject, ServiceConfig } from './types';

export function toComposeYaml(p: ComposeProject): string {
  return stringify(composeDocument(p), { lineWidth: 0 });
}

/** `config --format json`: the same document as JSON, indented as docker compose prints it. */
export function toComposeJson(p: ComposeProject): string {
  return `${JSON.stringify(composeDocument(p), null, 4)}\n`;
}

function composeDocument(p: ComposeProject): Record<string, unknown> {
  const services = Object.fromEntries(Object.entries(p.services).sort(([a], [b]) => a.localeCompare(b)).map(([n, s]) => [n, service(s)]));
  const doc: Record<string, unknown> = { name: p.name, services };
  if (Object.keys(p.networks).length) {
    doc.networks = Object.fromEntries(Object.entries(p.networks).map(([k, n]) => [k, drop({ name: n.name, external: n.external || undefined, internal: n.internal || undefined, driver: n.driver, labels: empty(n.labels), ipam: n.subnet ? { config: [{ subnet: n.subnet }] } : undefined })]));
  }
  if (Object.keys(p.volumes).length) {
    doc.volumes = Object.fromEntries(Object.entries(p.volumes).map(([k, v]) => [k, drop({ name: v.name, external: v.external || undefined, driver: v.driver, labels: empty(v.labels) })]));
  }
  return escapeDollars(doc) as Record<string, unknown>;
}

/** Values are already interpolated: a literal $ is written $$ so that the output loads back the same. */
function escapeDollars(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\$/g, '$$$$');
  if (Array.isArray(v)) return v.map(escapeDollars);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeDollars(x)]));
  return v;
}

function service(s: ServiceConfig): Record<string, unknown> {
  const ns = (n?: number) => (n === undefined ? undefined : `${n / 1e9}s`);
  return drop({
    build: s.build && drop({ context: s.build.context, dockerfile: s.build.dockerfile, args: empty(s.build.args), target: s.build.target, labels: empty(s.build.labels) }),
    cap_add: list(s.capAdd),
    cap_drop: list(s.capDrop),
    command: s.command,
    container_name: s.containerName,
    depends_on: empty(Object.fromEntries(Object.entries(s.dependsOn).map(([k, d]) => [k, { condition: d.condition, required: d.required, restart: d.restart }]))),
    deploy: s.replicas !== 1 || s.limits.nanoCpus || s.limits.memoryBytes || s.limits.pids
      ? drop({ replicas: s.replicas !== 1 ? s.replicas : undefined, resources: (s.limits.nanoCpus || s.limits.memoryBytes || s.limits.pids) ? { limits: drop({ cpus: s.limits.nanoCpus && String(s.limits.nanoCpus / 1e9), memory: s.limits.memoryBytes && String(s.limits.memoryBytes), pids: s.limits.pids }) } : undefined })
      : undefined,
    entrypoint: s.entrypoint,
    environment: empty(s.environment),
    expose: list(s.expose),
    extra_hosts: list(s.extraHosts),
    healthcheck: s.healthcheck && drop({ test: s.healthcheck.test, interval: ns(s.healthcheck.intervalNs), timeout: ns(s.healthcheck.timeoutNs), retries: s.healthcheck.retries, start_period: ns(s.healthcheck.startPeriodNs) }),
    hostname: s.hostname,
    image: s.image,
    init: s.init,
    labels: empty(s.labels),
    network_mode: s.networkMode,
    networks: s.networkMode ? undefined : Object.fromEntries(Object.entries(s.networks).map(([k, n]) => [k, n.aliases.length ? { aliases: n.aliases } : null])),
    ports: list(s.ports.map((x) => drop({ mode: 'ingress', host_ip: x.hostIp, target: x.target, published: x.published, protocol: x.protocol }))),
    privileged: s.privileged || undefined,
    profiles: list(s.profiles),
    pull_policy: s.pullPolicy === 'missing' ? undefined : s.pullPolicy,
    read_only: s.readOnly || undefined,
    restart: s.restart,
    shm_size: s.shmSizeBytes,
    stdin_open: s.stdinOpen || undefined,
    stop_grace_period: s.stopGracePeriodSeconds === undefined ? undefined : `${s.stopGracePeriodSeconds}s`,
    stop_signal: s.stopSignal,
    tmpfs: list(s.tmpfs),
    tty: s.tty || undefined,
    user: s.user,
    volumes: list(s.volumes.map((v) => drop({ ...v, read_only: 'readOnly' in v && v.readOnly ? true : undefined, readOnly: undefined, nocopy: undefined, createHostPath: undefined, size: undefined, ...(v.type === 'bind' ? { bind: { create_host_path: v.createHostPath } } : {}), ...(v.type === 'volume' && v.nocopy ? { volume: { nocopy: true } } : {}), ...(v.type === 'tmpfs' && v.size ? { tmpfs: { size: v.size } } : {}) }))),
    working_dir: s.workingDir,
  });
}

function drop(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function empty<T extends object>(o: T): T | undefined {
  return Object.keys(o).length ? o : undefined;
}

function list<T>(a: readonly T[]): readonly T[] | undefined {
  return a.length ? a : undefined;
}
