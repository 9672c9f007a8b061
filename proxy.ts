import type { NextRequest } from "next/server";
import { NextResponse } from "next/server";
import { describeProblems, getConfig, isDevelopment, startupProblems } from "@/lib/config";
import { requestRefusal } from "@/lib/http/guard";
import { assertDecodablePath } from "@/lib/http/request-target";
import { htmlResponse, loginPage, misconfiguredResponse } from "@/lib/http/plain-page";
import { errorResponse, statusOf } from "@/lib/http/respond";
import { createNonce, securityHeaders } from "@/lib/http/security-headers";
import { LOGIN_PATH } from "@/lib/http/session-login";

/*
 * Runs before every request (pages, API routes, /_next assets, public files; no matcher on purpose): the security
 * headers with a fresh script nonce, and the same guard the route handlers run, so a refused Host never reaches the
 * page and its token. A bad configuration answers every request with its problems.
 */

function isApi(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

function refusal(request: NextRequest): Response | null {
  const { pathname } = request.nextUrl;
  const problems = startupProblems();
  if (problems.length > 0) return misconfiguredResponse(isApi(pathname), describeProblems(problems));
  if (isApi(pathname)) {
    // Next answers a dynamic segment that does not decode with a plain-text 500 before any route runs.
    try {
      assertDecodablePath(new URL(request.url).pathname);
    } catch (error) {
      return errorResponse(error);
    }
  }
  const error = requestRefusal(request, getConfig(), { mutating: false, anonymous: pathname === LOGIN_PATH });
  if (error === null) return null;
  if (isApi(pathname)) return errorResponse(error);
  if (error.code === "unauthorized") return loginPage(null, statusOf(error.code));
  return htmlResponse({ title: "Refused", paragraphs: [error.message] }, { status: statusOf(error.code) });
}

export function proxy(request: NextRequest): Response {
  const nonce = createNonce();
  const headers = securityHeaders(nonce, { development: isDevelopment() });
  const refused = refusal(request);
  if (refused !== null) {
    const merged = new Headers(refused.headers);
    for (const [name, value] of Object.entries(headers)) merged.set(name, value);
    return new Response(refused.body, { status: refused.status, headers: merged });
  }
  // Next reads the nonce from the request's CSP header and puts it on every script it renders.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", headers["content-security-policy"] ?? "");
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}
