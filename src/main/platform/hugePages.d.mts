export declare const HUGE_PAGES_TUNABLE: string;
export declare function withHugePages(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export declare function wantsHugePages(): boolean;
export declare function runWithHugePages(command: string, args: string[]): void;
