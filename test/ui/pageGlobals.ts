/**
 * The few browser globals that the page-side functions of the UI tests use, typed by hand: the
 * tests compile with the Node tsconfig, which has no DOM library (and should not: main must not
 * see DOM types). Functions passed to page.evaluate run in Chromium, where these exist.
 */
export interface PageCanvas {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
}

export interface CspViolation {
  violatedDirective: string;
  blockedURI: string;
  sourceFile: string;
  lineNumber: number;
}

export interface PageGlobals {
  document: {
    querySelector(selector: string): PageCanvas | null;
    addEventListener(type: 'securitypolicyviolation', listener: (e: CspViolation) => void): void;
  };
  __reportCsp(text: string): Promise<void>;
}
