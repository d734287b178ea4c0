// Types for child-env.mjs (plain JS so `npm start` can use it without a build).
export declare function withoutNpmScriptEnv(env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export declare function withoutNpmPathEntries(path: string): string;
