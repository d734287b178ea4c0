// --log-driver/--log-opt as Docker's json-file driver takes them, checked at create.
import { InvalidError } from '../errdefs.js';
import type { HostConfig } from '../containers/api-types.js';
import { parseSize } from './log-file.js';

/** Log options Docker's json-file driver takes; sizes as "10m", counts as integers. */
export function validateLogConfig(lc: HostConfig['LogConfig']): void {
  if (!lc) return;
  if (lc.Type && !['json-file', 'local'].includes(lc.Type)) throw new InvalidError(`logging driver "${lc.Type}" is not supported: use json-file`);
  for (const [k, v] of Object.entries(lc.Config ?? {})) {
    if (k === 'max-size') {
      try { if (parseSize(v, 0) <= 0 && v !== '-1') throw new Error(); } catch { throw new InvalidError(`invalid log option max-size "${v}": use a size such as 10k, 10m or 1g`); }
    } else if (k === 'max-file') {
      if (!/^[1-9]\d*$/.test(v)) throw new InvalidError(`invalid log option max-file "${v}": use a whole number of files, at least 1`);
    } else if (!['compress', 'labels', 'env', 'env-regex', 'tag', 'mode', 'max-buffer-size'].includes(k)) {
      throw new InvalidError(`unknown log opt '${k}' for json-file log driver`);
    }
  }
  if (lc.Config?.['max-file'] && Number(lc.Config['max-file']) > 1 && !lc.Config['max-size']) throw new InvalidError("max-file cannot be set without max-size");
}

/** max-size in bytes (0: no limit) and max-file of a container's log options. */
export function logLimits(lc: HostConfig['LogConfig']): { maxSize: number; maxFile: number } {
  const cfg = lc?.Config ?? {};
  return { maxSize: parseSize(cfg['max-size'], 0), maxFile: Number(cfg['max-file'] ?? 1) || 1 };
}
