// Compiles the hot paths before the first document arrives. V8 compiles each function the first
// time it runs and keeps it in its slow interpreter for a while after that; in a server started
// cold, that cost landed on the first files a user opened (5 to 40 ms each, against well under 1 ms
// later). So while answering `initialize`, the server lints, publishes (in memory) and tokenizes a
// few sample Dockerfiles that touch every instruction, every rule and the usual package managers.
// It costs some tens of milliseconds once, at start; nothing is sent, nothing is kept.
import type { DockerfileAst } from '../dockerfile/syntax/ast';
import type { Finding, SeverityOrOff } from '../dockerfile/lint/types';
import type { Linters } from './diagnostics';
import { semanticTokensFull } from './features/semantic-tokens';
import type { RuleDocs } from './rule-docs';
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
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates=2023 curl wget git \\
    && curl -fsSL https://example.com/install.sh | sh \\
    && wget -q https://example.com/x.tgz && tar xzf x.tgz -C /opt \\
    && rm -rf /var/lib/apt/lists/*
RUN --mount=type=cache,target=/root/.cache pip install --no-cache-dir requests==2.31 && npm install -g yarn@1 && gem install rails:7 && go install example.com/tool@v1
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
