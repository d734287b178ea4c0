// Types for extension-bundles.mjs, so TypeScript (the activation benchmark) can use it under `strict`.
import type { BuildOptions } from 'esbuild';

export declare const LAZY_LIBRARIES: Record<string, string>;
export declare const LAZY_MODULES: Record<string, [source: string, file: string]>;
export declare function extensionBundles(common: BuildOptions & { external: string[] }, outDir?: string): BuildOptions[];
