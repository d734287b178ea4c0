// The seam between the registry client (protocol) and the image store (storage).
// The client never touches the store's files; the store never speaks HTTP.
import type { Readable } from 'node:stream';

/** A reference already normalized by the store: `docker.io` stays `docker.io`. */
export interface RemoteReference {
  /** Registry host[:port] as the user wrote it, e.g. `docker.io`, `127.0.0.1:5000`. */
  registry: string;
  /** Repository path, e.g. `library/busybox`. */
  repository: string;
  tag?: string;
  /** `sha256:...` when pulling by digest. */
  digest?: string;
}

/** Credentials as the docker CLI sends them in X-Registry-Auth (base64url JSON). */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** OAuth refresh token (`docker login` with an identity provider). */
  identitytoken?: string;
  /** A bearer token to use as is. */
  registrytoken?: string;
  serveraddress?: string;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** Where pulled blobs go. `ingest` verifies the digest and stores atomically, or throws and stores nothing. */
export interface BlobSink {
  has(digest: string): Promise<boolean>;
  ingest(digest: string, expectedSize: number | undefined, data: Readable, opts?: IngestOptions): Promise<void>;
}

export interface IngestOptions {
  /**
   * `data` is already checked on its way in: it fails instead of ending when its bytes are not exactly
   * `expectedSize` bytes hashing to `digest` (the client's downloads are). The sink need not hash again.
   */
  verified?: boolean;
}

/** Where pushed blobs come from. */
export interface BlobSource {
  size(digest: string): Promise<number>;
  open(digest: string): Readable;
}

/** One line of Docker's JSON message stream (progress of pull and push). */
export interface ProgressMessage {
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  /** Machine-readable result; push ends with `{ Tag, Digest, Size }` as dockerd does. */
  aux?: { Tag: string; Digest: string; Size: number };
}
export type ProgressSink = (message: ProgressMessage) => void;
