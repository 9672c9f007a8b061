import "server-only";

/*
 * Small self-contained HTML pages the server answers with before the app (a refused Host, a bad configuration,
 * the login form): no scripts and no assets, so they work whatever else is refused.
 */

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE =
  "body{font:15px/1.5 system-ui,sans-serif;max-width:42rem;margin:4rem auto;padding:0 1rem;color:#0f172a;background:#f8fafc}" +
  "h1{font-size:1.25rem}pre{white-space:pre-wrap;background:#e2e8f0;padding:.75rem;border-radius:.375rem}" +
  "input,button{font:inherit;padding:.4rem .6rem}input{width:100%;box-sizing:border-box;margin:.25rem 0 .75rem}" +
  "@media (prefers-color-scheme:dark){body{color:#f1f5f9;background:#020617}pre{background:#1e293b}}";

export interface PlainPage {
  title: string;
  paragraphs: readonly string[];
  /** Shown as preformatted text (e.g. the configuration problems). */
  details?: string;
  /** A sign-in form posting the token to `action`. */
  loginForm?: { action: string };
}

export function renderPlainPage(page: PlainPage): string {
  const parts = [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)} · dockgraph</title><style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(page.title)}</h1>`,
    ...page.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
  ];
  if (page.details !== undefined) parts.push(`<pre>${escapeHtml(page.details)}</pre>`);
  if (page.loginForm) {
    parts.push(
      `<form method="post" action="${escapeHtml(page.loginForm.action)}">`,
      '<label for="token">Token (DOCKGRAPH_TOKEN)</label>',
      '<input id="token" name="token" type="password" autocomplete="current-password" required minlength="16">',
      "<button type=\"submit\">Sign in</button></form>",
    );
  }
  parts.push("</body></html>");
  return parts.join("\n");
}

export function htmlResponse(page: PlainPage, init: { status: number; headers?: Record<string, string> }): Response {
  return new Response(renderPlainPage(page), {
    status: init.status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", ...init.headers },
  });
}

export function loginPage(message: string | null, status: number, headers?: Record<string, string>): Response {
  return htmlResponse(
    {
      title: "Sign in to dockgraph",
      paragraphs: [
        ...(message === null ? [] : [message]),
        "This dockgraph server is reachable from beyond its machine, so every request needs a session. Open the one-time login URL the server printed at start, or enter its token.",
      ],
      loginForm: { action: "/login" },
    },
    { status, headers },
  );
}

/** What every request gets from a server whose configuration has problems: the same words as at start, never a generic error. */
export function misconfiguredResponse(api: boolean, message: string): Response {
  if (api) {
    return Response.json({ error: { code: "misconfigured", message } }, { status: 500, headers: { "cache-control": "no-store" } });
  }
  return htmlResponse({ title: "dockgraph cannot start", paragraphs: ["Fix the setting below and start the server again."], details: message }, { status: 500 });
}
