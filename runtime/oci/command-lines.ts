// Every command line Berth gives an OCI runtime, built here and nowhere else, so what differs between
// runc and crun (and between a daemon with and without a cgroup tree) is written once.
import { runtimeKind, runtimeQuirks, type RuntimeKind, type RuntimeQuirks } from './runtime-kind.js';

export interface RunOptions {
  bundle: string;
  /** Where the runtime writes the container's init pid once it runs. */
  pidFile?: string;
  /** Return once the container runs (the caller reaps it as a subreaper) instead of waiting for it. */
  detach?: boolean;
  /** Keep the stopped container's state and cgroup until `delete` (only where the runtime can). */
  keep?: boolean;
}

export class RuntimeCommands {
  readonly kind: RuntimeKind;
  readonly quirks: RuntimeQuirks;

  /**
   * `hasCgroup` false (a rootless daemon): the runtime finds "all" processes through the container's
   * cgroup, so `kill --all` is left out (SIGKILL of pid 1 ends the pid namespace anyway).
   */
  constructor(readonly binary: string, readonly hasCgroup = true) {
    this.kind = runtimeKind(binary);
    this.quirks = runtimeQuirks(this.kind);
  }

  /** `run`: create and start in one go, in the foreground unless `detach`. */
  run(id: string, o: RunOptions): string[] {
    return [
      'run',
      ...(o.detach ? ['--detach'] : []),
      ...(o.keep && !o.detach && this.quirks.runKeeps ? ['--keep'] : []),
      '--bundle', o.bundle,
      ...(o.pidFile ? ['--pid-file', o.pidFile] : []),
      id,
    ];
  }

  /** `create`: the container set up, its process not started yet. */
  create(id: string, bundle: string): string[] {
    return ['create', '--bundle', bundle, id];
  }

  exec(id: string, processFile: string, pidFile: string): string[] {
    return ['exec', '--process', processFile, '--pid-file', pidFile, id];
  }

  /** `all`: every process of the container, where there is a cgroup to find them by. */
  kill(id: string, signal: string, all = false): string[] {
    return ['kill', ...(all && this.hasCgroup ? ['--all'] : []), id, signal];
  }

  /** Removes the state (and cgroup) of a container, killing what is left of it. */
  delete(id: string): string[] {
    return ['delete', '--force', id];
  }

  state(id: string): string[] {
    return ['state', id];
  }

  list(): string[] {
    return ['list', '--format', 'json'];
  }

  ps(id: string): string[] {
    return ['ps', '--format', 'json', id];
  }

  pause(id: string): string[] {
    return ['pause', id];
  }

  resume(id: string): string[] {
    return ['resume', id];
  }

  /** New cgroup limits from a JSON file of linux.resources. */
  update(id: string, resourcesFile: string): string[] {
    return ['update', '--resources', resourcesFile, id];
  }
}
