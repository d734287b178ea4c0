// Types for compose-schema-plugin.mjs, for the test that compares it with the run-time validator.
import type { Plugin } from 'esbuild';

export declare function composeValidatorSource(): string;
export declare const composeSchemaPlugin: Plugin;
