/**
 * The renderer's Content Security Policy, sent by the browser harness and mirrored in the meta tag of
 * src/renderer/index.html (a test keeps the two equal): only our own scripts, no eval, no remote hosts.
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
