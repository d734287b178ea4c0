// The ecosystems "Add Docker Files to Workspace" knows, and what a template needs to know of a project.
// No VS Code imports: detection, templates and plans are tested in plain Node.

export type Ecosystem = 'node' | 'python' | 'go' | 'java' | 'dotnet';

export const ECOSYSTEMS: readonly { id: Ecosystem; label: string; detail: string; defaultPort: number }[] = [
  { id: 'node', label: 'Node.js', detail: 'package.json', defaultPort: 3000 },
  { id: 'python', label: 'Python', detail: 'pyproject.toml or requirements.txt', defaultPort: 8000 },
  { id: 'go', label: 'Go', detail: 'go.mod', defaultPort: 8080 },
  { id: 'java', label: 'Java', detail: 'pom.xml (Maven) or build.gradle (Gradle)', defaultPort: 8080 },
  { id: 'dotnet', label: '.NET', detail: '*.csproj', defaultPort: 8080 },
];

export function ecosystemLabel(id: Ecosystem): string {
  return ECOSYSTEMS.find((e) => e.id === id)?.label ?? id;
}

/** What detection found of a project; each template reads the part for its ecosystem. */
export interface ProjectFacts {
  ecosystem: Ecosystem;
  /** A name for the image and the Compose service: lower-case, [a-z0-9-]. */
  name: string;
  /** Whether the app looks like an HTTP server (a web framework among its dependencies, or `http` use). */
  servesHttp: boolean;
  node?: { entry: string; lockfile: 'npm' | 'none'; hasBuildScript: boolean };
  python?: { entry: PythonEntry; requirements: 'requirements.txt' | 'pyproject.toml' | 'none' };
  go?: { module: string };
  java?: { build: 'maven' | 'gradle'; gradleWrapper: boolean };
  dotnet?: { project: string; assembly: string };
}

/** How the Python app starts: a script (`python app.py`) or a module (`python -m pkg`). */
export type PythonEntry = { kind: 'script'; path: string } | { kind: 'module'; module: string };

/** What the user chose in the command's quick picks. */
export interface ScaffoldOptions {
  /** The port the app listens on inside the container. */
  port: number;
  /** The host port compose.yaml and the debug configuration publish it on (free when the command ran). */
  hostPort: number;
  compose: boolean;
  /**
   * RUN --mount=type=cache for package downloads: Berth's engine, Podman and Docker Engine through the
   * docker CLI's BuildKit build them; Docker Engine's own build API (the legacy builder) refuses them.
   */
  cacheMounts: boolean;
}

/** Where the app lives in the image: the debug configuration maps the workspace folder to it. */
export const APP_DIR = '/app';

/** The numeric id of the non-root user every template runs as (numeric: DL3066, and Kubernetes' runAsNonRoot). */
export const APP_UID = 10001;

/** The debugger's port in the container; .NET's vsdbg has none (the C# extension runs it through `docker exec`). */
export const DEBUG_PORTS: Record<Exclude<Ecosystem, 'dotnet'>, number> = { node: 9229, python: 5678, go: 2345, java: 5005 };
