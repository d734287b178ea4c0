// Types for prereqs.mjs (plain JS so `npm start` can use it before npm ci).
export declare class PrerequisiteError extends Error {}
export interface Need {
  apt: string;
  why: string;
  satisfied?: () => boolean;
}
export interface OtherFix {
  why: string;
  command: string;
}
export declare function onPath(name: string): boolean;
export declare function aptPackageInstalled(name: string): boolean | undefined;
export declare function missingPackages(needs: Need[]): string[];
export declare const ENGINE_NEEDS: Need[];
export declare const ROOTLESS_ENGINE_NEEDS: Need[];
export declare const CODE_SERVER_NEEDS: Need[];
export declare function hasSubordinateIds(text: string, user: { name: string; uid: number }): boolean;
export declare function subordinateIdsFix(opts?: { read?: (file: string) => string; user?: { name: string; uid: number } }): OtherFix | undefined;
export declare function tunDeviceFix(opts?: { canOpen?: () => boolean }): OtherFix | undefined;
export declare function installCommand(packages: string[], opts?: { root?: boolean }): string;
export declare function ensurePackages(needs: Need[], opts?: { log?: (message: string) => void; otherFixes?: OtherFix[]; root?: boolean }): string[];
