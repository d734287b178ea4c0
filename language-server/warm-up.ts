// Compiles the hot paths before the first document arrives. V8 compiles each function the first
// time it runs and keeps it in its slow interpreter for a while after that; in a server started
// cold, that cost landed on the first files a user opened (5 to 40 ms each, against well under 1 ms
// later). So while answering `initialize`, the server lints, publishes (in memory) and tokenizes a
// few sample Dockerfiles that touch every instruction, every rule and the usual package managers.
// It costs some tens of milliseconds once, at start; nothing is sent, nothing is kept.
// The linter alone was not enough: measured with V8's function events on the open-once benchmark,
// about 350 functions were still compiled on the first requests (the diagnostics service's path
// from an open to a publish, settings, the .hadolint.yaml lookup, ShellCheck's runner and the
// mapping of its comments, a rule's typo suggestions), 30 to 60 ms in all, landing on files 0, 1,
// 17, 55 to 67. So the same samples also go through that path with the outside world stubbed.
import type { ShellcheckComment } from '../dockerfile/lint/shellcheck-process';
import type { DockerfileAst } from '../dockerfile/syntax/ast';
import type { Finding, SeverityOrOff } from '../dockerfile/lint/types';
import { DiagnosticsService, type Linters } from './diagnostics';
import type { ParsedDocument } from './documents';
import { SemanticTokensCache, semanticTokensFull } from './features/semantic-tokens';
import { HadolintConfigs, type ConfigParser } from './hadolint-config';
import type { RuleDocs } from './rule-docs';
import { checkSettings, DEFAULT_SETTINGS } from './settings';
import { ShellcheckRunner } from './shellcheck-runner';
import { toDiagnostic } from './to-diagnostic';

const SAMPLES: readonly string[] = [
  `# syntax=docker/dockerfile:1
# check=skip=JSONArgsRecommended
ARG BASE=debian:12-slim
FROM \${BASE} AS build
LABEL org.opencontainers.image.authors="team@example.com" version="1.0"
ENV LANG=C.UTF-8 PATH=/opt/app/bin:$PATH GPG_KEY=0D96DF4D4110E5C43FBFB17F2D347EA6AA65421D
ARG VERSION=1.2.3
WORKDIR /src
COPY app-$VERSOIN.tar.gz /opt/
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates=2023 curl wget git \\
    && curl -fsSL https://example.com/install.sh | sh \\
    && wget -q https://example.com/x.tgz && tar xzf x.tgz -C /opt \\
    && rm -rf /var/lib/apt/lists/*
RUN --mount=type=cache,target=/root/.cache pip install --no-cache-dir requests==2.31 && npm install -g yarn@1 && gem install rails:7 && go install example.com/tool@v1
RUN go build -o /out/app ./cmd/app && cargo build --release && ./gradlew assemble
RUN --mount=type=cache,target=/root/.m2 mvn -B package && dotnet restore && bundle install
RUN <<EOF
set -e
cd /src && make -j"$(nproc)" && sudo chown -R 1000 /src
EOF
COPY --chown=1000:1000 --from=busybox:1.36 /bin/busybox /bin/
ADD https://example.com/file.tar.gz /tmp/
COPY . /src/
EXPOSE 8080/tcp 9090
USER 1000
HEALTHCHECK --interval=30s CMD curl -f http://localhost:8080/ || exit 1
ONBUILD RUN echo onbuild
VOLUME ["/data"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/opt/app/bin/app"]
CMD ["--serve"]
`,
  `FROM alpine:latest as Runtime
MAINTAINER someone
RUN apk add --no-cache python3 py3-pip && apk upgrade && pip install flask
RUN yum install -y httpd && yum clean all; dnf install -y nginx; zypper install -y vim; microdnf install -y tar
RUN cd /tmp && ln -s /usr/bin/python3 /usr/bin/python && useradd -m app && echo $UNDEFINED_THING
ENV key value
COPY --from=build /src/out /app
WORKDIR app
USER root
FROM --platform=$BUILDPLATFORM scratch
COPY --from=Runtime / /
CMD echo hello
CMD echo again
`,
];

/** Lints and tokenizes the samples a few times with every rule on; errors are left to the real work. */
export function warmUp(linters: Linters, parse: (text: string) => DockerfileAst, docs: RuleDocs, ruleIds: readonly string[], rounds = 4): void {
  const severityOverrides: Record<string, SeverityOrOff> = {};
  for (const id of ruleIds) severityOverrides[id] = 'warning';
  for (let r = 0; r < rounds; r++) {
    for (const text of SAMPLES) {
      const ast = parse(text);
      const findings: Finding[] = linters.lint(ast, { severityOverrides });
      JSON.stringify(findings.map((f) => toDiagnostic(f, docs)));
      JSON.stringify(semanticTokensFull(ast));
      linters.shellcheckScripts(ast, {});
    }
  }
}

/** A ShellCheck that answers at once: one comment with a fix on each script's last line. */
function cannedShellcheck(scripts: readonly string[]): ShellcheckComment[][] {
  return scripts.map((text) => {
    const line = Math.max(1, text.split('\n').length - 1);
    return [{
      line, endLine: line, column: 1, endColumn: 2, level: 'warning', code: 2086,
      message: 'Double quote to prevent globbing and word splitting.',
      fix: { replacements: [{ line, endLine: line, column: 1, endColumn: 1, replacement: '"' }, { line, endLine: line, column: 2, endColumn: 2, replacement: '"' }] },
    }];
  });
}

/** Lets every promise the stubs resolved at once run to its end (they resolve in microtasks). */
const drained = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The server's own path for the samples: open, lint, publish, ShellCheck's findings merged and
 *  published, an edit (carrying ShellCheck's findings over), semantic tokens from the cache, close.
 *  Settings are the defaults, ShellCheck's runner gets canned answers, .hadolint.yaml is looked for
 *  where none is, and what would be published is only serialized. */
export async function warmUpServerPaths(
  linters: Linters, parse: (text: string) => DockerfileAst, docs: RuleDocs, parseConfig: ConfigParser,
  locateShellcheck: (executable: string) => unknown,
): Promise<void> {
  // Looking ShellCheck up on PATH is stat calls only; its process is not started here (that would
  // keep the client waiting for initialize), so its first run still compiles Node's own code.
  locateShellcheck('shellcheck');
  checkSettings({ rules: { DL3008: 'off', DL3009: 'hint' }, shellcheck: { enable: true, path: 'shellcheck' } });
  new HadolintConfigs(parseConfig, () => undefined).forDocument('file:///nonexistent/berth-warm-up/Dockerfile');
  const open = new Map<string, ParsedDocument>();
  SAMPLES.forEach((text, k) => {
    const uri = `file:///berth-warm-up/${k}/Dockerfile`;
    open.set(uri, { uri, version: 1, ast: parse(text) });
  });
  const service = new DiagnosticsService({
    documents: { get: (uri) => open.get(uri), all: () => [...open.values()] },
    settings: { get: () => Promise.resolve(DEFAULT_SETTINGS) },
    hadolintConfig: () => undefined,
    linters,
    shellcheck: new ShellcheckRunner({ run: (scripts) => Promise.resolve(cannedShellcheck(scripts)), locate: (executable) => ({ path: executable }) }),
    quiet: { whenIdle: () => Promise.resolve() },
    docs,
    publish: (_uri, _version, list) => void JSON.stringify(list),
    log: { error: () => undefined },
    notify: () => undefined,
    debounceMs: 0,
  });
  const tokens = new SemanticTokensCache();
  for (const uri of open.keys()) service.opened(uri);
  await drained();
  for (const doc of open.values()) {
    open.set(doc.uri, { ...doc, version: 2, ast: parse(doc.ast.text) });
    service.changed(doc.uri);
  }
  await drained();
  for (const doc of open.values()) {
    const first = tokens.full(doc.uri, semanticTokensFull(doc.ast));
    JSON.stringify(tokens.delta(doc.uri, first.resultId!, semanticTokensFull(doc.ast)));
    service.findings(doc.uri, doc.version);
    service.closed(doc.uri);
    tokens.forget(doc.uri);
  }
}
