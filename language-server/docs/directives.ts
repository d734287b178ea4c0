// Parser directives (comment lines at the very top of a Dockerfile) and the build arguments BuildKit
// defines without an ARG default.

export interface DirectiveDoc {
  readonly name: string;
  readonly doc: string;
  /** LSP snippet for the text after `# `. */
  readonly snippet: string;
  readonly values: readonly { readonly value: string; readonly doc: string }[];
}

export const DIRECTIVES: readonly DirectiveDoc[] = [
  {
    name: 'syntax',
    doc: 'Frontend image that parses this Dockerfile, e.g. `docker/dockerfile:1` for the latest stable syntax. Must come first; Berth\'s builder reads the file itself and ignores it.',
    snippet: 'syntax=${1:docker/dockerfile:1}',
    values: [
      { value: 'docker/dockerfile:1', doc: 'Latest stable 1.x syntax.' },
      { value: 'docker/dockerfile:1-labs', doc: 'Latest 1.x with experimental features.' },
    ],
  },
  {
    name: 'escape',
    doc: 'Character that escapes characters and continues lines: `\\` (default) or `` ` `` (handy on Windows, where `\\` separates paths).',
    snippet: 'escape=${1|\\\\,`|}',
    values: [
      { value: '\\', doc: 'Backslash (default).' },
      { value: '`', doc: 'Backtick.' },
    ],
  },
  {
    name: 'check',
    doc: 'Configures BuildKit\'s build checks: `skip=<Rule,...|all>` turns rules off (Berth honours it too), `error=true` fails the build on a violation, `experimental=<Rule,...|all>` enables experimental ones. Parts are separated by `;`.',
    snippet: 'check=${1|skip=,error=true,experimental=|}',
    values: [
      { value: 'skip=', doc: 'Comma-separated rule names to skip, or `all`.' },
      { value: 'error=true', doc: 'Violations fail the build.' },
      { value: 'experimental=all', doc: 'Enable experimental checks.' },
    ],
  },
];

export function directiveDoc(name: string): DirectiveDoc | undefined {
  return DIRECTIVES.find((d) => d.name === name.toLowerCase());
}

export function directiveMarkdown(d: DirectiveDoc): string {
  return `**# ${d.name}=** (parser directive)\n\n${d.doc}`;
}

export interface BuildArgDoc {
  readonly name: string;
  readonly doc: string;
}

/** Available in `FROM` without declaring; inside a stage after `ARG <name>`. */
export const PREDEFINED_ARGS: readonly BuildArgDoc[] = [
  { name: 'TARGETPLATFORM', doc: 'Platform being built for, e.g. `linux/arm64/v8`.' },
  { name: 'TARGETOS', doc: 'OS of TARGETPLATFORM, e.g. `linux`.' },
  { name: 'TARGETARCH', doc: 'Architecture of TARGETPLATFORM, e.g. `arm64`.' },
  { name: 'TARGETVARIANT', doc: 'Variant of TARGETPLATFORM, e.g. `v8`.' },
  { name: 'BUILDPLATFORM', doc: 'Platform of the machine running the build.' },
  { name: 'BUILDOS', doc: 'OS of BUILDPLATFORM.' },
  { name: 'BUILDARCH', doc: 'Architecture of BUILDPLATFORM.' },
  { name: 'BUILDVARIANT', doc: 'Variant of BUILDPLATFORM.' },
  { name: 'TARGETSTAGE', doc: 'Name of the stage being built (`--target`).' },
  { name: 'HTTP_PROXY', doc: 'Proxy for HTTP, passed with `--build-arg`; not stored in the image history.' },
  { name: 'HTTPS_PROXY', doc: 'Proxy for HTTPS; not stored in the image history.' },
  { name: 'FTP_PROXY', doc: 'Proxy for FTP; not stored in the image history.' },
  { name: 'NO_PROXY', doc: 'Hosts that bypass the proxy; not stored in the image history.' },
  { name: 'ALL_PROXY', doc: 'Proxy for every protocol; not stored in the image history.' },
];
