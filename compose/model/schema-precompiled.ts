// The Compose schema's validator as ajv's standalone code, made when the bundles are built
// (scripts/lib/compose-schema-plugin.mjs replaces this module): compiling the schema at run time costs
// 100-200 ms of every berth-compose command and of the first Compose command in VS Code. Run from
// source (tests, tsx) there is none, and schema.ts compiles the schema itself, with the same options.
import type { ValidateFunction } from 'ajv';

export const precompiledValidator: ValidateFunction | undefined = undefined;
