// The part of compose/ the extension uses, in one module that the bundle loads on the first Compose
// command (dist/lib/compose.js, see scripts/lib/extension-bundles.mjs): the model, the JSON schema and
// the runner are not needed to activate.
export { loadProject } from '../../compose/model/load-project';
export { up } from '../../compose/runner/up';
export { down } from '../../compose/runner/down';
export { lifecycle } from '../../compose/runner/lifecycle';
export { streamLogs } from '../../compose/runner/logs';
export { projectContainers } from '../../compose/runner/project-state';
export { DockerodeEngine } from '../../compose/engine/dockerode-engine';
