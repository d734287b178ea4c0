// Dockerfile for a Go app: a static binary built with the module and build caches mounted, run from a
// distroless image as its non-root user. A `debug` stage runs the same code under Delve for the
// debugger (Berth builds it with --target debug); the default build never includes it.
import type { ProjectFacts, ScaffoldOptions } from '../ecosystems.js';
import { DEBUG_PORTS } from '../ecosystems.js';
import { execForm, header, lines, run, uncachedRules } from './dockerfile-parts.js';

export const GO_IMAGE = 'golang:1.22-bookworm';
export const GO_RUNTIME_IMAGE = 'gcr.io/distroless/static-debian12:nonroot';
export const DELVE_VERSION = 'v1.22.1';
/** Where the source is in the build stage: the debug configuration's substitutePath maps the workspace to it. */
export const GO_SRC = '/src';

export function goDockerfile(_facts: ProjectFacts, opts: ScaffoldOptions): string {
  const caches = run(opts, '/go/pkg/mod', '/root/.cache/go-build');
  return lines(
    header('Go app', uncachedRules(opts, 'DL3070')),
    '# No HEALTHCHECK: the distroless runtime has no shell or HTTP client to probe with.',
    '',
    `FROM ${GO_IMAGE} AS build`,
    `WORKDIR ${GO_SRC}`,
    'COPY go.* ./',
    `${run(opts, '/go/pkg/mod')}go mod download`,
    'COPY . .',
    `${caches}CGO_ENABLED=0 go build -o /out/app .`,
    '',
    `FROM ${GO_IMAGE} AS debug`,
    `WORKDIR ${GO_SRC}`,
    `${caches}go install github.com/go-delve/delve/cmd/dlv@${DELVE_VERSION}`,
    'COPY --from=build /src ./',
    // Optimisations off, so breakpoints land and variables are readable.
    `${caches}CGO_ENABLED=0 go build -gcflags="all=-N -l" -o /out/app .`,
    `EXPOSE ${opts.port} ${DEBUG_PORTS.go}`,
    `CMD ${execForm(['dlv', `--listen=:${DEBUG_PORTS.go}`, '--headless=true', '--api-version=2', '--accept-multiclient', '--continue', 'exec', '/out/app'])}`,
    '',
    `FROM ${GO_RUNTIME_IMAGE}`,
    'COPY --from=build /out/app /app',
    // The distroless image's own non-root user.
    'USER 65532:65532',
    `EXPOSE ${opts.port}`,
    'ENTRYPOINT ["/app"]',
  );
}
