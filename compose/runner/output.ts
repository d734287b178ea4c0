// What the runner tells the user, kept apart from where it goes (the CLI writes it to stderr and
// stdout; the extension will show it in its own places).
export type ResourceKind = 'Network' | 'Volume' | 'Container' | 'Image' | 'Service';

export interface RunnerOutput {
  /** A resource changed state: " Container demo-web-1  Started", as docker compose prints it. */
  progress(kind: ResourceKind, name: string, state: string): void;
  warn(message: string): void;
  /** Output of a build, for the service named. */
  buildLog(service: string, text: string): void;
  /** Status lines of a pull, for the service named. */
  pullLog(service: string, text: string): void;
}

export const silentOutput: RunnerOutput = { progress: () => undefined, warn: () => undefined, buildLog: () => undefined, pullLog: () => undefined };
