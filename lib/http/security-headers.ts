import "server-only";
import { randomBytes } from "node:crypto";

/*
 * The headers every response carries (pages, API routes, static assets, public files), set by proxy.ts.
 */

export function createNonce(): string {
  return randomBytes(18).toString("base64");
}

/**
 * Only this origin, scripts only with this response's nonce (Next puts it on its own scripts; 'strict-dynamic' lets
 * them load the app's chunks), no plugins, no <base>, forms only to this origin, and no framing at all.
 */
export function contentSecurityPolicy(nonce: string, options: { development: boolean }): string {
  const directives = [
    "default-src 'self'",
    // React's dev tooling rebuilds server error stacks with eval; the production build never evaluates strings.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.development ? " 'unsafe-eval'" : ""}`,
    // React renders style={…} props (legend swatches, list rows) as style attributes in the server HTML, and a nonce
    // cannot cover attributes; styles cannot run code, and every other directive still holds.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  return directives.join("; ");
}

/** Powerful browser features the dashboard never uses, off for it and for anything it could ever embed. */
export const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "hid=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "publickey-credentials-get=()",
  "serial=()",
  "usb=()",
].join(", ");

export function securityHeaders(nonce: string, options: { development: boolean }): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(nonce, options),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": PERMISSIONS_POLICY,
  };
}
