// What each Dockerfile instruction does, its forms, and the snippet completion inserts. Hover, completion
// and signature help all read this table, so the three never disagree.

export interface ParameterDoc {
  /** Exactly as it appears in `label` of the form (signature help highlights it by substring). */
  readonly label: string;
  readonly doc: string;
}

export interface FormDoc {
  /** One way to write the instruction, e.g. `COPY [--from=<stage>] <src>... <dest>`. */
  readonly label: string;
  readonly params: readonly ParameterDoc[];
}

export interface InstructionDoc {
  readonly keyword: string;
  /** One or two sentences, markdown. */
  readonly summary: string;
  readonly forms: readonly FormDoc[];
  /** LSP snippet inserted by completion (without the keyword's trailing space). */
  readonly snippet: string;
  readonly example: string;
  readonly deprecated?: true;
}

const p = (label: string, doc: string): ParameterDoc => ({ label, doc });

export const INSTRUCTIONS: readonly InstructionDoc[] = [
  {
    keyword: 'FROM',
    summary: 'Starts a build stage from a base image (or `scratch`, or an earlier stage by name). `AS name` names the stage for `COPY --from`, `RUN --mount from=` and later `FROM`s.',
    forms: [{
      label: 'FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]',
      params: [
        p('--platform=<platform>', 'Platform of the base image, e.g. `linux/arm64` or `$BUILDPLATFORM`.'),
        p('<image>[:<tag>|@<digest>]', 'Base image reference, a stage name, or `scratch`. Global `ARG`s may be used.'),
        p('AS <name>', 'Names the stage (lowercase letters, digits, `-`, `_`, `.`).'),
      ],
    }],
    snippet: 'FROM ${1:image}:${2:tag}${3: AS ${4:name}}',
    example: 'FROM golang:1.22 AS build',
  },
  {
    keyword: 'RUN',
    summary: 'Runs a command in a new layer: shell form through `/bin/sh -c` (or the `SHELL`), exec form directly. Heredocs (`<<EOF`) pass a script.',
    forms: [
      {
        label: 'RUN [--mount=<mount>] [--network=<network>] [--security=<mode>] <command>',
        params: [
          p('--mount=<mount>', 'Mounts a cache, secret, ssh socket, tmpfs or bind for this command only.'),
          p('--network=<network>', '`default`, `none` or `host`.'),
          p('--security=<mode>', '`sandbox` (default) or `insecure` (needs the `security.insecure` entitlement).'),
          p('<command>', 'Shell command line, run with the stage\'s `SHELL` (default `/bin/sh -c`).'),
        ],
      },
      {
        label: 'RUN ["<executable>", "<param>", ...]',
        params: [
          p('"<executable>"', 'Program to run, without a shell: no variable expansion or pipes.'),
          p('"<param>"', 'An argument, a JSON string.'),
        ],
      },
    ],
    snippet: 'RUN ${1:command}',
    example: 'RUN --mount=type=cache,target=/root/.cache go build ./...',
  },
  {
    keyword: 'CMD',
    summary: 'Default command (or default arguments to `ENTRYPOINT`) of containers run from the image. Only the last `CMD` of a stage counts.',
    forms: [
      { label: 'CMD ["<executable>", "<param>", ...]', params: [p('"<executable>"', 'Program to run (exec form, recommended: signals reach it).'), p('"<param>"', 'An argument.')] },
      { label: 'CMD ["<param>", ...]', params: [p('"<param>"', 'Default arguments appended to `ENTRYPOINT`.')] },
      { label: 'CMD <command>', params: [p('<command>', 'Shell form: run through `/bin/sh -c`.')] },
    ],
    snippet: 'CMD ["${1:executable}"${2:, "${3:param}"}]',
    example: 'CMD ["nginx", "-g", "daemon off;"]',
  },
  {
    keyword: 'LABEL',
    summary: 'Adds metadata key/value pairs to the image (e.g. `org.opencontainers.image.source`).',
    forms: [{ label: 'LABEL <key>=<value> [<key>=<value>...]', params: [p('<key>=<value>', 'Label key and value; quote values with spaces.')] }],
    snippet: 'LABEL ${1:key}="${2:value}"',
    example: 'LABEL org.opencontainers.image.source="https://example.com/repo"',
  },
  {
    keyword: 'MAINTAINER',
    summary: 'Deprecated: sets the image author. Use `LABEL org.opencontainers.image.authors="..."`.',
    forms: [{ label: 'MAINTAINER <name>', params: [p('<name>', 'Author name and address.')] }],
    snippet: 'MAINTAINER ${1:name}',
    example: 'MAINTAINER Jane Doe <jane@example.com>',
    deprecated: true,
  },
  {
    keyword: 'EXPOSE',
    summary: 'Documents the ports the container listens on (`tcp` by default). It does not publish them; `docker run -p` does.',
    forms: [{ label: 'EXPOSE <port>[/<protocol>] ...', params: [p('<port>[/<protocol>]', 'Port 0-65535 or a range `8000-8010`, optionally `/tcp` or `/udp`.')] }],
    snippet: 'EXPOSE ${1:80}',
    example: 'EXPOSE 8080/tcp 8125/udp',
  },
  {
    keyword: 'ENV',
    summary: 'Sets environment variables for the rest of the stage and for containers run from the image.',
    forms: [
      { label: 'ENV <key>=<value> [<key>=<value>...]', params: [p('<key>=<value>', 'Variable and value; later pairs can use earlier ones only from the next instruction on.')] },
      { label: 'ENV <key> <value>', params: [p('<key>', 'Variable name.'), p('<value>', 'Legacy form: the rest of the line is the value.')] },
    ],
    snippet: 'ENV ${1:key}=${2:value}',
    example: 'ENV PATH=/opt/app/bin:$PATH',
  },
  {
    keyword: 'ADD',
    summary: 'Copies files, URLs or git repositories into the image; local tar archives are extracted. Prefer `COPY` for plain local files.',
    forms: [
      {
        label: 'ADD [--chown=<user>:<group>] [--chmod=<perms>] [--link] [--checksum=<hash>] [--keep-git-dir] [--exclude=<path>] <src>... <dest>',
        params: [
          p('--chown=<user>:<group>', 'Owner of the added files (Linux only).'),
          p('--chmod=<perms>', 'Octal permissions (or symbolic with BuildKit 1.10 syntax).'),
          p('--link', 'Adds the files in their own layer, independent of earlier layers (better cache reuse).'),
          p('--checksum=<hash>', 'Expected `sha256:` digest of a remote source.'),
          p('--keep-git-dir', 'Keep the `.git` directory of a git source.'),
          p('--exclude=<path>', 'Pattern of sources to leave out (may repeat).'),
          p('<src>...', 'Local paths relative to the context, URLs or git URLs.'),
          p('<dest>', 'Destination in the image; ends with `/` when there are several sources.'),
        ],
      },
      { label: 'ADD [--chown=<user>:<group>] ["<src>", ..., "<dest>"]', params: [p('"<src>"', 'Source (JSON form, for paths with spaces).'), p('"<dest>"', 'Destination.')] },
    ],
    snippet: 'ADD ${1:src} ${2:dest}',
    example: 'ADD --checksum=sha256:... https://example.com/app.tar.gz /opt/',
  },
  {
    keyword: 'COPY',
    summary: 'Copies files from the build context, a stage (`--from=<stage>`) or an image into the image.',
    forms: [
      {
        label: 'COPY [--from=<stage|image>] [--chown=<user>:<group>] [--chmod=<perms>] [--link] [--parents] [--exclude=<path>] <src>... <dest>',
        params: [
          p('--from=<stage|image>', 'Copy from an earlier stage (name or index) or an image instead of the context.'),
          p('--chown=<user>:<group>', 'Owner of the copied files (Linux only).'),
          p('--chmod=<perms>', 'Octal permissions of the copied files.'),
          p('--link', 'Copies the files in their own layer, independent of earlier layers (better cache reuse).'),
          p('--parents', 'Keeps the parent directories of the sources.'),
          p('--exclude=<path>', 'Pattern of sources to leave out (may repeat).'),
          p('<src>...', 'Paths relative to the context (or the stage root); wildcards allowed.'),
          p('<dest>', 'Destination; ends with `/` when there are several sources; relative to `WORKDIR`.'),
        ],
      },
      { label: 'COPY [--chown=<user>:<group>] ["<src>", ..., "<dest>"]', params: [p('"<src>"', 'Source (JSON form, for paths with spaces).'), p('"<dest>"', 'Destination.')] },
    ],
    snippet: 'COPY ${1:src} ${2:dest}',
    example: 'COPY --from=build /out/app /usr/local/bin/app',
  },
  {
    keyword: 'ENTRYPOINT',
    summary: 'The executable containers run; `CMD` supplies its default arguments. Use the exec form so signals reach the process.',
    forms: [
      { label: 'ENTRYPOINT ["<executable>", "<param>", ...]', params: [p('"<executable>"', 'Program to run.'), p('"<param>"', 'A fixed argument.')] },
      { label: 'ENTRYPOINT <command>', params: [p('<command>', 'Shell form: runs as a child of `/bin/sh -c`, ignores `CMD` and signals.')] },
    ],
    snippet: 'ENTRYPOINT ["${1:executable}"${2:, "${3:param}"}]',
    example: 'ENTRYPOINT ["/usr/local/bin/app"]',
  },
  {
    keyword: 'VOLUME',
    summary: 'Marks paths as volumes: containers get an anonymous volume there unless one is mounted. Changes after `VOLUME` in the build are discarded.',
    forms: [
      { label: 'VOLUME ["<path>", ...]', params: [p('"<path>"', 'Mount point in the container.')] },
      { label: 'VOLUME <path> ...', params: [p('<path>', 'Mount point in the container.')] },
    ],
    snippet: 'VOLUME ["${1:/data}"]',
    example: 'VOLUME ["/var/lib/postgresql/data"]',
  },
  {
    keyword: 'USER',
    summary: 'User (and group) for the following `RUN`, `CMD` and `ENTRYPOINT`. Prefer a numeric UID so platforms can verify it is not root.',
    forms: [{ label: 'USER <user>[:<group>]', params: [p('<user>[:<group>]', 'Name or UID, optionally a group name or GID.')] }],
    snippet: 'USER ${1:user}',
    example: 'USER 10001:10001',
  },
  {
    keyword: 'WORKDIR',
    summary: 'Working directory for the following instructions and for containers; created if missing. Use absolute paths.',
    forms: [{ label: 'WORKDIR <path>', params: [p('<path>', 'Directory; a relative path is taken from the previous `WORKDIR`.')] }],
    snippet: 'WORKDIR ${1:/app}',
    example: 'WORKDIR /app',
  },
  {
    keyword: 'ARG',
    summary: 'Declares a build argument (`--build-arg`), with an optional default. Before the first `FROM` it is global and usable in `FROM`; re-declare it inside a stage to use it there.',
    forms: [{ label: 'ARG <name>[=<default>] ...', params: [p('<name>[=<default>]', 'Argument name and optional default value.')] }],
    snippet: 'ARG ${1:name}${2:=${3:default}}',
    example: 'ARG VERSION=1.0',
  },
  {
    keyword: 'ONBUILD',
    summary: 'Registers an instruction to run when another build uses this image as its base.',
    forms: [{ label: 'ONBUILD <instruction>', params: [p('<instruction>', 'Any instruction except `ONBUILD`, `FROM` and `MAINTAINER`.')] }],
    snippet: 'ONBUILD ${1:instruction}',
    example: 'ONBUILD COPY . /app/src',
  },
  {
    keyword: 'STOPSIGNAL',
    summary: 'Signal sent to the container\'s main process to stop it (default `SIGTERM`).',
    forms: [{ label: 'STOPSIGNAL <signal>', params: [p('<signal>', 'Signal name (`SIGINT`) or number (`2`).')] }],
    snippet: 'STOPSIGNAL ${1:SIGTERM}',
    example: 'STOPSIGNAL SIGQUIT',
  },
  {
    keyword: 'HEALTHCHECK',
    summary: 'How the engine checks that the container still works, or `NONE` to disable a check inherited from the base image.',
    forms: [
      {
        label: 'HEALTHCHECK [--interval=<duration>] [--timeout=<duration>] [--start-period=<duration>] [--start-interval=<duration>] [--retries=<n>] CMD <command>',
        params: [
          p('--interval=<duration>', 'Time between checks (default `30s`).'),
          p('--timeout=<duration>', 'A check taking longer fails (default `30s`).'),
          p('--start-period=<duration>', 'Start-up time during which failures do not count (default `0s`).'),
          p('--start-interval=<duration>', 'Time between checks during the start period (default `5s`).'),
          p('--retries=<n>', 'Consecutive failures before the container is unhealthy (default `3`).'),
          p('CMD <command>', 'Command whose exit status is the health: 0 healthy, 1 unhealthy.'),
        ],
      },
      { label: 'HEALTHCHECK NONE', params: [p('NONE', 'Disables any health check inherited from the base image.')] },
    ],
    snippet: 'HEALTHCHECK --interval=${1:30s} --timeout=${2:5s} CMD ${3:command}',
    example: 'HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1',
  },
  {
    keyword: 'SHELL',
    summary: 'Shell used by the shell form of `RUN`, `CMD` and `ENTRYPOINT` for the rest of the stage. JSON form only.',
    forms: [{ label: 'SHELL ["<executable>", "<param>", ...]', params: [p('"<executable>"', 'Shell program, e.g. `/bin/bash`.'), p('"<param>"', 'Its options, ending with the one that takes a command, e.g. `-c`.')] }],
    snippet: 'SHELL ["${1:/bin/bash}", "${2:-o}", "${3:pipefail}", "${4:-c}"]',
    example: 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
  },
];

const byKeyword = new Map(INSTRUCTIONS.map((d) => [d.keyword, d]));

export function instructionDoc(keyword: string): InstructionDoc | undefined {
  return byKeyword.get(keyword.toUpperCase());
}

/** Markdown for hover: summary, forms and an example. */
export function instructionMarkdown(doc: InstructionDoc): string {
  const forms = doc.forms.map((f) => f.label).join('\n');
  const deprecated = doc.deprecated ? '**Deprecated.** ' : '';
  return `**${doc.keyword}**: ${deprecated}${doc.summary}\n\n\`\`\`dockerfile\n${forms}\n\`\`\`\n\nExample: \`${doc.example}\``;
}
