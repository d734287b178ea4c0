// This machine's platform, and a requested one (pull's, import's and build's `platform`, `FROM --platform`)
// read by the one platform parser (dockerfile/platform) and refused unless it is a linux one.
import { endianness } from 'node:os';
import { InvalidError } from '../errdefs.js';
import type { Platform } from '../../dockerfile/expansion/predefined.js';
import { goArch, normalizePlatform, parsePlatform } from '../../dockerfile/platform/platforms.js';

/** What a pull, an import or a build takes when the request names no platform. */
export function hostPlatform(): Platform {
  return normalizePlatform({ os: 'linux', architecture: goArch(process.arch, endianness() === 'LE') });
}

/**
 * `raw` as Docker reads it, normalised (aarch64 → arm64, armhf → arm/v7, ...); the parts it leaves out are
 * this machine's. `what` names the parameter in errors; `doing` says what this engine does with linux only.
 */
export function requestedPlatform(raw: string, what: string, doing: string): Platform {
  const p = parsePlatform(raw, hostPlatform());
  if (typeof p === 'string') throw new InvalidError(`${what} ${p}`);
  if (p.os !== 'linux') throw new InvalidError(`${what} "${raw}" is not supported: this engine ${doing} linux images only`);
  return p;
}
