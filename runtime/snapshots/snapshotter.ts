// The one way a root filesystem is made from a chain of image layers: for a container, a build step,
// or a `docker cp` / `docker export` view. A snapshotter is chosen once at daemon start
// (choose-snapshotter.ts) and every caller takes what it gives instead of deciding how to mount.
//
// Two kinds of result: a mount for the OCI spec (the runtime mounts the root itself, inside the
// container's mount namespace, so it goes away with the container), or a path the daemon has mounted
// (fuse-overlayfs needs its process; crun cannot mount an overlay on "/"; a root with shifted ids is
// made by the daemon). What was mounted is released with `release(target)`.

/** A mount of the OCI runtime spec, as config.json holds it. */
export interface RootSpecMount { destination: '/'; type: string; source: string; options: string[] }

/**
 * A container in its own user namespace: container id k is host id uid+k (gid+k). Its root shows
 * every layer file owned by k on disk as uid+k, and what it writes lands with its host ids.
 */
export interface IdShift {
  uid: number;
  gid: number;
  size: number;
  /** The container's user namespace (its nsfs file), made if need be: the map of idmapped mounts. */
  userns: () => Promise<string>;
}

export interface RootRequest {
  /** Image layer directories, topmost first ([] is refused: a root needs at least one layer). */
  layers: string[];
  /** Directories above the layers taken as they are, never id-shifted (a container's upper in a read view). */
  above?: string[];
  /** Where writes land; without it the root is read-only. */
  upper?: string;
  /** overlayfs's work directory, on the upper's file system; needed with `upper`. */
  work?: string;
  /** An empty folder: where the root is mounted when it is mounted. */
  target: string;
  idShift?: IdShift;
}

export type PreparedRoot =
  /** The OCI runtime mounts the root from this spec mount; nothing to release on the host. */
  | { kind: 'spec-mount'; mount: RootSpecMount }
  /** Mounted on `path` (the request's target); the spec has no mount for "/". */
  | { kind: 'mounted'; path: string };

/** The storage driver name `docker info` shows. */
export type StorageDriver = 'overlay2' | 'fuse-overlayfs';

export type SnapshotterName = 'overlayfs' | 'fuse-overlayfs' | 'daemon-mounted';

/** How roots with shifted ids are made here: idmapped layers (Linux 6.15+) or fuse-overlayfs's uidmapping. */
export type IdShiftMethod = 'idmapped' | 'fuse-uidmapping';

export interface Snapshotter {
  readonly name: SnapshotterName;
  readonly driver: StorageDriver;
  /** The xattr namespace overlayfs keeps opaque-directory marks in, in an upper directory (user with userxattr). */
  readonly markXattrs: 'trusted' | 'user';
  /** A container's or build step's root: a spec mount where the runtime can mount it, else mounted on target. */
  prepare(req: RootRequest): Promise<PreparedRoot>;
  /** The root mounted on `req.target`, whatever the runtime could do (docker cp, export). */
  mount(req: RootRequest): Promise<string>;
  /**
   * Unmounts what prepare or mount put on `target`, with anything it needed beside it. Safe to call
   * when nothing is mounted there (a root a killed monitor or daemon left, or none at all).
   */
  release(target: string): Promise<void>;
  /** How id-shifted roots are made, found once (a probe at the first use, or at start with --userns auto). */
  idShiftMethod(): Promise<IdShiftMethod>;
}
