/** Types of sdk-patches.mjs, for the test that checks its patches still match the SDK. */
export declare const SDK_TRIMS: { importer: string; specifier: string; contents: string }[];
export declare const SDK_REWRITES: { file: string; find: string; replace: string; append?: string }[];
export declare function rewriteSdkSource(file: string, source: string): string;
export declare const sdkPatches: import("esbuild").Plugin;
