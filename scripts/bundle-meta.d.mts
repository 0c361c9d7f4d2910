/** Types of bundle-meta.mjs, for the tests that read what the build put where. */
export declare const BUNDLE_META: string;
export declare function writeBundleMeta(metafile: unknown, outdir: string): void;
export declare function packageOf(input: string): string | null;
export declare function fileHolding(input: string): string;
export declare function startFiles(entry?: string): string[];
export declare function packagesIn(files?: string[]): string[];
