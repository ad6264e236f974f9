/**
 * The renderer's Content Security Policy, sent by the browser harness and mirrored in the meta tag of
 * src/renderer/index.html (a test keeps the two equal): only our own scripts, no eval, no remote hosts.
 *
 * Only the built renderer works under it. `electron-vite dev` is not supported (there is no dev
 * script): its dev server injects the CSS as inline <style> elements, which `style-src 'self'`
 * blocks, so the page would come up unstyled. Loosening this policy for dev would be a change to the
 * meta tag, i.e. to production too; use `npm run build` (or `npm start`) instead.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
