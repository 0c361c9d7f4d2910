/** Types of sdk-trim.mjs, for the test that checks its stubs still match the SDK. */
export declare const SDK_TRIMS: { importer: string; specifier: string; contents: string }[];
export declare const sdkTrim: import("esbuild").Plugin;
