import { timingSafeEqual } from "node:crypto";
import { getConfig } from "@/lib/config";
import { requestRefusal } from "@/lib/http/guard";
import { htmlResponse, loginPage } from "@/lib/http/plain-page";
import { statusOf } from "@/lib/http/respond";
import { createSessionValue, servedOverHttps, sessionCookie } from "@/lib/http/session";
import { redeemLoginCode } from "@/lib/http/session-login";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/*
 * Sign-in for a server reachable from beyond its machine: the one-time code printed at start (GET ?code=…) or the
 * token typed into the form (POST) becomes an HttpOnly, SameSite=Strict session cookie.
 */

const MAX_FORM_BYTES = 4096;

/**
 * Signed in: the cookie, then on to the dashboard by a refresh from this page, which replaces the address (the used
 * code leaves the address bar) and is a same-site navigation, so the Strict cookie goes with it even when the login
 * link was followed from another site.
 */
function signedIn(request: Request): Response {
  return new Response(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=/"><title>Signed in · dockgraph</title></head><body><p>Signed in. <a href="/">Open the dashboard</a>.</p></body></html>',
    {
      status: 200,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "set-cookie": sessionCookie(createSessionValue(getConfig().token, Date.now()), { secure: servedOverHttps(request) }),
      },
    },
  );
}

/** The guard (Host, cross-site, Origin) without the session it is about to hand out; on a local server, no sign-in. */
function precheck(request: Request): Response | null {
  const config = getConfig();
  const refusal = requestRefusal(request, config, { mutating: false, anonymous: true });
  if (refusal !== null) return htmlResponse({ title: "Refused", paragraphs: [refusal.message] }, { status: statusOf(refusal.code) });
  if (!config.remote) return new Response(null, { status: 303, headers: { location: "/", "cache-control": "no-store" } });
  return null;
}

export async function GET(request: Request): Promise<Response> {
  const refused = precheck(request);
  if (refused !== null) return refused;
  const code = new URL(request.url).searchParams.get("code");
  if (code === null) return loginPage(null, 200);
  if (redeemLoginCode(code, Date.now())) return signedIn(request);
  return loginPage("This login link has been used already, has expired, or is wrong. Sign in with the token instead.", 401);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The body as text, or null once it passes `limit` bytes: reading stops there (the rest is never buffered), whatever
 * Content-Length claimed or however the body was chunked.
 */
async function readBoundedText(request: Request, limit: number): Promise<string | null> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) return null;
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export async function POST(request: Request): Promise<Response> {
  const refused = precheck(request);
  if (refused !== null) return refused;
  const body = await readBoundedText(request, MAX_FORM_BYTES);
  if (body === null) return loginPage(`That form was larger than ${MAX_FORM_BYTES} bytes.`, 413);
  const form = new URLSearchParams(body);
  const token = form.get("token")?.trim() ?? "";
  if (token !== "" && sameSecret(token, getConfig().token)) return signedIn(request);
  return loginPage("That is not this server's token.", 401);
}
