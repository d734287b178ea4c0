// Types for lazy-requires-plugin.mjs.
import type { Plugin } from 'esbuild';

export declare const lazyRequiresPlugin: Plugin;
