// Build arguments Docker defines without an ARG line.

/** Proxy args: passed to RUN when given as build args, without an ARG line, and left out of the image history. */
export const PROXY_ARGS: readonly string[] = [
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy',
  'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
];

export interface Platform {
  readonly os: string;
  readonly architecture: string;
  readonly variant?: string;
  readonly osVersion?: string;
}

export const LINUX_AMD64: Platform = { os: 'linux', architecture: 'amd64' };

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter((x) => x).join('/');
}

/** The platform args BuildKit puts in the global scope (visible to FROM; a stage sees one
 *  only after `ARG NAME`). Build args of the same name override them. */
export function platformArgs(build: Platform, target: Platform, targetStage: string): Record<string, string> {
  return {
    BUILDPLATFORM: formatPlatform(build),
    BUILDOS: build.os,
    BUILDOSVERSION: build.osVersion ?? '',
    BUILDARCH: build.architecture,
    BUILDVARIANT: build.variant ?? '',
    TARGETPLATFORM: formatPlatform(target),
    TARGETOS: target.os,
    TARGETOSVERSION: target.osVersion ?? '',
    TARGETARCH: target.architecture,
    TARGETVARIANT: target.variant ?? '',
    TARGETSTAGE: targetStage || 'default',
  };
}

export const PLATFORM_ARGS: readonly string[] = Object.keys(platformArgs(LINUX_AMD64, LINUX_AMD64, ''));
