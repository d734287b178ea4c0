// One cgroup driver per daemon: where a container's cgroup is (the OCI spec's linux.cgroupsPath and
// the folder the kernel shows it in) and how its counters, OOM kills and freezer state are read.
// Three kinds, as dockerd has them: cgroup v1 with cgroupfs paths, v2 with cgroupfs paths, and v2
// with systemd, where runc asks systemd for a transient scope in a slice ("slice:prefix:name").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupCounters } from './counters.js';
import { readV1Counters, v1OomKills } from './v1-files.js';
import { readV2Counters, v2Frozen, v2OomKills } from './v2-files.js';

export type CgroupDriverName = 'cgroupfs' | 'systemd';
export const CGROUP_ROOT = '/sys/fs/cgroup';

export interface CgroupDriver {
  readonly name: CgroupDriverName;
  readonly version: 1 | 2;
  /** Global flags the OCI runtime needs for this driver (runc --systemd-cgroup). */
  readonly runtimeFlags: readonly string[];
  /** linux.cgroupsPath of the container's OCI spec. */
  specPath(id: string): string;
  /** The folder with the container's memory files (memory.events or memory.oom_control). */
  memoryDir(id: string): string;
  /** One reading of the container's counters. */
  counters(id: string): Promise<CgroupCounters>;
  /** How many of the container's processes the kernel killed for its memory limit (0 when its cgroup is gone). */
  oomKills(id: string): number;
  /** Whether the freezer holds every process of the container; undefined when its cgroup cannot be read. */
  frozen(id: string): boolean | undefined;
}

function readOr(path: string, fallback = ''): string {
  try { return readFileSync(path, 'utf8'); } catch { return fallback; }
}

function readMaybe(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

/** cgroup v1 (hybrid hosts included), cgroupfs paths: /sys/fs/cgroup/<controller>/<parent>/<id>. */
export class V1Cgroupfs implements CgroupDriver {
  readonly name = 'cgroupfs';
  readonly version = 1;
  readonly runtimeFlags = [];
  constructor(private readonly parent: string, private readonly root = CGROUP_ROOT) {}
  specPath(id: string): string { return `/${this.parent}/${id}`; }
  memoryDir(id: string): string { return join(this.root, 'memory', this.parent, id); }
  counters(id: string): Promise<CgroupCounters> { return readV1Counters(this.root, join(this.parent, id)); }
  oomKills(id: string): number { return v1OomKills(readOr(join(this.memoryDir(id), 'memory.oom_control'))); }
  frozen(id: string): boolean | undefined {
    const state = readMaybe(join(this.root, 'freezer', this.parent, id, 'freezer.state'));
    return state === undefined ? undefined : state.trim() === 'FROZEN';
  }
}

/** cgroup v2, cgroupfs paths: /sys/fs/cgroup/<parent>/<id>, runc creating the folders itself. */
export class V2Cgroupfs implements CgroupDriver {
  readonly name: CgroupDriverName = 'cgroupfs';
  readonly version = 2;
  readonly runtimeFlags: readonly string[] = [];
  /** `parent` is relative to the v2 root, e.g. "berth" or a rootless daemon's delegated folder. */
  constructor(private readonly parent: string, protected readonly root = CGROUP_ROOT) {}
  specPath(id: string): string { return `/${this.parent}/${id}`; }
  /** The container's folder, relative to the v2 root. */
  relative(id: string): string { return join(this.parent, id); }
  memoryDir(id: string): string { return join(this.root, this.relative(id)); }
  counters(id: string): Promise<CgroupCounters> { return readV2Counters(this.memoryDir(id)); }
  oomKills(id: string): number { return v2OomKills(readOr(join(this.memoryDir(id), 'memory.events'))); }
  frozen(id: string): boolean | undefined {
    const events = readMaybe(join(this.memoryDir(id), 'cgroup.events'));
    return events === undefined ? undefined : v2Frozen(events);
  }
}

/**
 * cgroup v2 under systemd: runc (with --systemd-cgroup) asks systemd over D-Bus for a transient
 * scope <prefix>-<id>.scope in `slice`, as dockerd does with system.slice:docker:<id>.
 */
export class V2Systemd extends V2Cgroupfs {
  override readonly name = 'systemd';
  override readonly runtimeFlags = ['--systemd-cgroup'];
  constructor(private readonly prefix: string, private readonly slice = 'system.slice', root = CGROUP_ROOT) { super('', root); }
  override specPath(id: string): string { return `${this.slice}:${this.prefix}:${id}`; }
  override relative(id: string): string { return join(sliceFolder(this.slice), `${this.prefix}-${id}.scope`); }
}

/**
 * Where systemd puts a slice: a dash in its name is a level, so a-b-c.slice is a.slice/a-b.slice/a-b-c.slice
 * (systemd's unit_name_to_path of slices); -.slice is the root.
 */
export function sliceFolder(slice: string): string {
  if (!/^[A-Za-z0-9:_.\\-]+\.slice$/.test(slice)) throw new Error(`"${slice}" is not a systemd slice name (like system.slice)`);
  if (slice === '-.slice') return '';
  const parts = slice.slice(0, -'.slice'.length).split('-');
  if (parts.some((p) => p === '')) throw new Error(`"${slice}" is not a valid slice name: empty part between dashes`);
  return parts.map((_, i) => `${parts.slice(0, i + 1).join('-')}.slice`).join('/');
}
