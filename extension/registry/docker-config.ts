// Moved to compose/credentials/ so berth-compose reads the same docker credentials as the extension;
// the extension keeps importing it from here.
export * from '../../compose/credentials/docker-config.js';
