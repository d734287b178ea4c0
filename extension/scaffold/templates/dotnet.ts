// Dockerfile for a .NET app: restore with the NuGet cache mounted, publish, run on the ASP.NET (web
// projects) or plain runtime image as a non-root user. The build configuration is a build arg
// (Release; the debug configuration builds Debug), and the app is the container's first process,
// `dotnet X.dll`, which the debug configuration's vsdbg attaches to.
import { APP_DIR, type ProjectFacts, type ScaffoldOptions } from '../ecosystems.js';
import { createUser, execForm, header, lines, run, USER_LINE, uncachedRules } from './dockerfile-parts.js';

export const DOTNET_SDK_IMAGE = 'mcr.microsoft.com/dotnet/sdk:8.0';
export const ASPNET_IMAGE = 'mcr.microsoft.com/dotnet/aspnet:8.0';
export const DOTNET_RUNTIME_IMAGE = 'mcr.microsoft.com/dotnet/runtime:8.0';
/** Where the build stage compiles: the PDBs name it, the debug configuration maps it to the workspace. */
export const DOTNET_SRC = '/src';
/** What the debug configuration builds with. */
export const DOTNET_DEBUG_BUILD_ARGS = { CONFIGURATION: 'Debug' } as const;

export function dotnetDockerfile(facts: ProjectFacts, opts: ScaffoldOptions): string {
  const nuget = run(opts, '/root/.nuget/packages');
  const d = facts.dotnet ?? { project: `${facts.name}.csproj`, assembly: facts.name };
  return lines(
    header('.NET app', uncachedRules(opts, 'DL3074')),
    '# No HEALTHCHECK: the runtime image has no HTTP client to probe with.',
    '',
    `FROM ${DOTNET_SDK_IMAGE} AS build`,
    'ARG CONFIGURATION=Release',
    `WORKDIR ${DOTNET_SRC}`,
    `COPY ${JSON.stringify([d.project, './']).replace(/","/g, '", "')}`,
    `${nuget}dotnet restore ${quoteIfNeeded(d.project)}`,
    'COPY . .',
    `${nuget}dotnet publish ${quoteIfNeeded(d.project)} -c "$CONFIGURATION" -o /out --no-restore`,
    '',
    `FROM ${facts.servesHttp ? ASPNET_IMAGE : DOTNET_RUNTIME_IMAGE}`,
    `WORKDIR ${APP_DIR}`,
    facts.servesHttp && `ENV ASPNETCORE_HTTP_PORTS=${opts.port}`,
    createUser(),
    `COPY --from=build /out ${APP_DIR}/`,
    USER_LINE,
    `EXPOSE ${opts.port}`,
    `ENTRYPOINT ${execForm(['dotnet', `${d.assembly}.dll`])}`,
  );
}

function quoteIfNeeded(s: string): string {
  return /^[\w.-]+$/.test(s) ? s : `"${s.replace(/"/g, '\\"')}"`;
}
