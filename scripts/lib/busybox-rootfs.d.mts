// Types for busybox-rootfs.mjs (plain JS so `npm start` can use it without a build).
export declare const DEFAULT_BUSYBOX: string;
export declare function busyboxApplets(busybox?: string): string[];
export declare function busyboxRootfsTar(options?: { busybox?: string }): Promise<Buffer>;
export declare function busyboxRootfsStream(options?: { busybox?: string }): Promise<import('node:stream').Readable>;
export declare function writeBusyboxRootfsTar(path: string, options?: { busybox?: string }): Promise<void>;
