import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { readHostState, type HostState } from "../scripts/sandbox/manifest";
import { invalidReadCall, type KnownHost } from "../test/support/engine-calls";
import { sendRaw, type RawRequest, type RawResponse } from "../test/support/raw-http";
import { RequestStreamParser, SocketRelay } from "../test/support/socket-relay";
import { expect, test } from "./fixtures";
import { startSecondServer, type SecondServer } from "./fixtures/second-server";

/*
 * Random and hostile requests at every API route of a running production server (read-write, with the token):
 * path traversal, NUL, CR/LF, huge and unicode strings, wrong types, deep JSON, duplicate keys, __proto__,
 * invalid UTF-8, wrong content types, lying body framing, every method. Asserted: never a 5xx; a 4xx from a route
 * is the JSON error shape; and, from the daemon's side (a socket relay records every call), only the read calls
 * dockgraph makes, naming only objects the host has. Plans are created but never run (a run only ever gets a
 * hostile or unknown plan id), and the sandbox's whole inventory is the same at the end.
 *
 * A fixed seed and DOCKGRAPH_FUZZ_RUNS requests per route (default 200); e.g. DOCKGRAPH_FUZZ_RUNS=2000 for a long walk.
 */

const SEED = Number(process.env.DOCKGRAPH_FUZZ_SEED ?? 20261201);
const RUNS = Number(process.env.DOCKGRAPH_FUZZ_RUNS ?? 200);
const TOKEN = "fuzz-token-0123456789abcdef";

interface Route {
  /** As in app/api: "/api/plans/[planId]/execute". */
  pattern: string;
  methods: string[];
}

/** Every route handler under app/api and the methods it exports. */
function discoverRoutes(): Route[] {
  const root = path.resolve("app", "api");
  const routes: Route[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const source = fs.readFileSync(full, "utf8");
        // `export async function GET` and `export { handler as GET, … }` alike.
        const methods = [...source.matchAll(/export (?:async )?function (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b|\bas (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g)].map(
          (match) => match[1] ?? match[2] ?? "",
        );
        routes.push({ pattern: `/api/${path.relative(root, dir).split(path.sep).join("/")}`, methods });
      }
    }
  };
  walk(root);
  return routes.sort((a, b) => a.pattern.localeCompare(b.pattern));
}

const HOSTILE_FRAGMENTS = [
  "../",
  "..%2f",
  "%2e%2e%2f",
  "%2E%2E/",
  "..\\",
  "%00",
  "\u0000",
  "%0d%0a",
  "\r\n",
  "__proto__",
  "constructor",
  "/etc/passwd",
  "?",
  "#",
  "&",
  "=",
  "%",
  "%zz",
  "%ff%fe",
  "' OR '1'='1",
  "<script>",
  "${jndi:x}",
  "😀",
  "\u202e",
  "\ufeff",
  "ｈｅｌｌｏ",
  "sha256:",
  "/",
  " ",
];
/** What may never appear in a daemon call's target (the raw request target as recorded). */
const FORBIDDEN_IN_DAEMON_TARGET = ["..", "%2e", "%2E", "%00", "\u0000", "\r", "\n", "%0d", "%0a", "__proto__", "passwd", "<", ">", "'", '"', " ", "\\", "$", "%ff", "%25"];

interface Sample {
  method: string;
  target: Buffer;
  headers: [string, string][];
  body?: Buffer;
  framing?: RawRequest["framing"];
  /** The request reaches the route handler by its own method and exact path (so its 4xx must be the JSON shape). */
  handled: boolean;
  /** The query has a parameter the route does not take, or one twice: a route validating its query refuses it. */
  strayQuery: boolean;
  /** The request, readably (for reports). */
  label: string;
}

function hostileString(realNames: string[]): fc.Arbitrary<string> {
  const fragment = fc.constantFrom(...HOSTILE_FRAGMENTS);
  const real = fc.constantFrom(...realNames);
  return fc.oneof(
    { weight: 3, arbitrary: fragment },
    { weight: 2, arbitrary: fc.tuple(real, fragment, fc.boolean()).map(([name, bad, before]) => (before ? `${bad}${name}` : `${name}${bad}`)) },
    { weight: 2, arbitrary: real },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
    { weight: 1, arbitrary: fc.nat({ max: 5 }).map((power) => "x".repeat(10 ** power)) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.array(fragment, { minLength: 2, maxLength: 6 }).map((parts) => parts.join("")) },
  );
}

/** Puts a string into a URL: percent-encoded as a client would, or raw (bad bytes and all) as an attacker might. */
function inUrl(value: string, raw: boolean): Buffer {
  return raw ? Buffer.from(value, "utf8") : Buffer.from(encodeURIComponent(value), "latin1");
}

const INVALID_UTF8 = Buffer.from([0x7b, 0x22, 0x74, 0x61, 0x72, 0x67, 0x65, 0x74, 0x73, 0x22, 0x3a, 0x5b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x5d, 0x7d]);

function bodyArbitrary(route: Route, strings: fc.Arbitrary<string>, realNames: string[]): fc.Arbitrary<Buffer | undefined> {
  const anyValue = fc.oneof(strings, fc.integer(), fc.boolean(), fc.constant(null), fc.array(strings, { maxLength: 4 }), fc.dictionary(strings, strings, { maxKeys: 3 }));
  const routeShaped =
    route.pattern === "/api/prune/plan"
      ? fc.record(
          {
            scope: fc.oneof(fc.constantFrom("dangling-images", "unused-images", "stopped-containers"), anyValue),
            until: fc.oneof(fc.constantFrom("24h", "2026-11-01", "1700000000"), anyValue),
            label: anyValue,
            filter: fc.oneof(fc.array(fc.oneof(strings, fc.constantFrom("until=1h", "label=a=b", "label!=keep")), { maxLength: 4 }), anyValue),
            force: fc.constant(true),
          },
          { requiredKeys: [] },
        )
      : fc.record({ targets: fc.oneof(fc.array(strings, { maxLength: 5 }), anyValue), stopRunning: fc.oneof(fc.boolean(), anyValue), force: fc.constant(true) }, { requiredKeys: [] });
  // Bodies a route accepts, so that planning itself is exercised (the plans are never run).
  const wellFormed: fc.Arbitrary<unknown> =
    route.pattern === "/api/prune/plan"
      ? fc.record({ scope: fc.constantFrom("dangling-images", "unused-images", "stopped-containers"), filter: fc.constantFrom(["until=1h"], ["label!=keep"], []) })
      : fc.record({ targets: fc.array(fc.constantFrom(...realNames), { minLength: 1, maxLength: 3 }), stopRunning: fc.boolean() });
  const text = (value: string) => Buffer.from(value, "utf8");
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 6, arbitrary: routeShaped.map((value) => text(JSON.stringify(value))) },
    { weight: 3, arbitrary: wellFormed.map((value) => text(JSON.stringify(value))) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => text(JSON.stringify(value))) },
    { weight: 1, arbitrary: fc.integer({ min: 33, max: 20_000 }).map((depth) => text(`${'{"targets":'.repeat(depth)}[]${"}".repeat(depth)}`)) },
    { weight: 1, arbitrary: fc.integer({ min: 33, max: 50_000 }).map((depth) => text(`${"[".repeat(depth)}${"]".repeat(depth)}`)) },
    { weight: 1, arbitrary: strings.map((value) => text(`{"targets":["hello-world:latest"],"targets":[${JSON.stringify(value)}]}`)) },
    { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"force":true},"targets":["hello-world:latest"]}', '{"constructor":{"prototype":{"force":true}}}', '{"scope":"unused-images","\\u005f_proto__":{}}').map(text) },
    { weight: 1, arbitrary: fc.constant(INVALID_UTF8) },
    { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 300_000 }).map((size) => text(`{"targets":["${"a".repeat(size)}"]}`)) },
    { weight: 1, arbitrary: strings.map(text) },
  );
}

/** Raw bytes in the request target: mostly refused by Node's parser before any code runs, so only now and then. */
const rarely = fc.integer({ min: 0, max: 9 }).map((draw) => draw === 0);

function sampleArbitrary(route: Route, realNames: string[], port: number, createdPlans: ReadonlySet<string>): fc.Arbitrary<Sample> {
  const strings = hostileString(realNames);
  const methods = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...route.methods) },
    { weight: 3, arbitrary: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS") },
    // TRACE is probed on its own (see FRAMEWORK_CRASH_METHODS).
    { weight: 1, arbitrary: fc.constantFrom("CONNECT", "PROPFIND", "FOO", "get") },
  );
  const planId = fc.oneof(fc.uuid(), strings, fc.constant("00000000-0000-4000-8000-000000000000"));
  const queryKeys = fc.oneof(fc.constantFrom("target", "limit", "fresh", "host", "__proto__"), strings);
  const query = fc.array(fc.tuple(queryKeys, fc.oneof(strings, fc.constantFrom("1", "0", "100", "1001", "-1", "1e3", "")), rarely), { maxLength: 4 });
  const pathShape = fc.constantFrom("exact", "exact", "exact", "exact", "exact", "exact", "exact", "exact", "exact", "trailing-slash", "dot-segments", "encoded-dots", "double-slash", "extra-segment", "upper-case");
  const contentType = fc.constantFrom(
    "application/json",
    "application/json",
    "application/json",
    "application/json",
    "application/json; charset=utf-8",
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/json; charset=utf-16",
    "application/xml",
    "",
  );
  const auth = fc.constantFrom("token", "token", "token", "token", "token", "token", "token", "none", "wrong-token", "foreign-origin", "foreign-host");

  return fc
    .record({ method: methods, planId, rawPlanId: rarely, query, pathShape, contentType, auth, body: bodyArbitrary(route, strings, realNames), framing: fc.constantFrom("content-length", "content-length", "chunked", "truncated") })
    .map((drawn) => {
      let id = drawn.planId;
      // Never a plan this run created: the fuzz must not run anything.
      if (createdPlans.has(id.toLowerCase())) id = "00000000-0000-4000-8000-000000000000";
      const segments = route.pattern.split("/").filter(Boolean);
      const pathParts = segments.map((segment) => (segment.startsWith("[") ? inUrl(id, drawn.rawPlanId) : Buffer.from(segment, "latin1")));
      let pathBytes = Buffer.concat(pathParts.flatMap((part) => [Buffer.from("/"), part]));
      let exact = true;
      switch (drawn.pathShape) {
        case "trailing-slash":
          pathBytes = Buffer.concat([pathBytes, Buffer.from("/")]);
          exact = false;
          break;
        case "dot-segments":
          pathBytes = Buffer.concat([Buffer.from("/api/../api/./"), pathBytes.subarray("/api/".length)]);
          exact = false;
          break;
        case "encoded-dots":
          pathBytes = Buffer.concat([Buffer.from("/api/%2e%2e/api/"), pathBytes.subarray("/api/".length)]);
          exact = false;
          break;
        case "double-slash":
          pathBytes = Buffer.concat([Buffer.from("//"), pathBytes.subarray(1)]);
          exact = false;
          break;
        case "extra-segment":
          pathBytes = Buffer.concat([pathBytes, Buffer.from("/..%2f..%2fetc%2fpasswd")]);
          exact = false;
          break;
        case "upper-case":
          pathBytes = Buffer.from(pathBytes.toString("latin1").toUpperCase(), "latin1");
          exact = false;
          break;
      }
      const queryBytes = drawn.query.map(([key, value, raw], index) => Buffer.concat([Buffer.from(index === 0 ? "?" : "&"), inUrl(key, raw), Buffer.from("="), inUrl(value, raw)]));
      const target = Buffer.concat([pathBytes, ...queryBytes]);
      const ownHost = `127.0.0.1:${port}`;
      const headers: [string, string][] = [["host", drawn.auth === "foreign-host" ? "evil.example" : ownHost]];
      if (drawn.auth !== "none") headers.push(["x-dockgraph-token", drawn.auth === "wrong-token" ? "not-the-token-0123456789" : TOKEN]);
      headers.push(["origin", drawn.auth === "foreign-origin" ? "http://evil.example" : `http://${drawn.auth === "foreign-host" ? "evil.example" : ownHost}`]);
      if (drawn.body !== undefined && drawn.contentType !== "") headers.push(["content-type", drawn.contentType]);
      const label = `${drawn.method} ${JSON.stringify(target.toString("latin1").slice(0, 200))}${drawn.body ? ` body ${drawn.body.length} B ${JSON.stringify(drawn.body.toString("latin1").slice(0, 120))} (${drawn.framing})` : ""} headers ${JSON.stringify(headers)}`;
      return {
        [fc.toStringMethod]: () => label,
        method: drawn.method,
        target,
        headers,
        ...(drawn.body !== undefined ? { body: drawn.body, framing: drawn.framing as RawRequest["framing"] } : {}),
        // A plan id of "", "." or ".." is a different path once dot segments are resolved.
        strayQuery: strayQueryIn(target, route),
        handled: exact && route.methods.includes(drawn.method) && !(drawn.rawPlanId || ["", ".", ".."].includes(id) ) ,
        label,
      };
    });
}

/**
 * Whether the query the route handler sees has a parameter it does not take, or one twice: read from the target as the
 * server reads it (a `#` ends the query; Next.js drops `__proto__` parameters before any route code runs).
 */
function strayQueryIn(target: Buffer, route: Route): boolean {
  let params: URLSearchParams;
  try {
    params = new URL(target.toString("latin1"), "http://fuzz.invalid").searchParams;
  } catch {
    return false;
  }
  const keys = [...params.keys()].filter((key) => key !== "__proto__");
  return keys.some((key, index) => !(QUERY_PARAMETERS[route.pattern] ?? []).includes(key) || keys.indexOf(key) !== index);
}

/** The query parameters each route takes (docs/api.md). */
const QUERY_PARAMETERS: Record<string, string[]> = { "/api/audit": ["limit"], "/api/blockers": ["target"], "/api/disk": ["fresh"] };

const STANDARD_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND"];

/**
 * Methods that crash Next.js 16 itself on any route handler (its Request constructor refuses them: "'TRACE' HTTP
 * method is unsupported", a plain-text 500) before dockgraph's code runs. Sent once per route and reported, not
 * asserted: the fix belongs in front of the route handlers (a proxy or the server), not in them.
 */
const FRAMEWORK_CRASH_METHODS = ["TRACE", "TRACK"];

type Verdict = "2xx" | "3xx" | "json-4xx" | "head-4xx" | "http-parser" | "framework-4xx" | "no-answer";

function isJsonError(response: RawResponse): boolean {
  if (!response.headers["content-type"]?.startsWith("application/json")) return false;
  try {
    const body = JSON.parse(response.body.toString("utf8")) as { error?: { code?: unknown; message?: unknown } };
    return typeof body.error?.code === "string" && typeof body.error.message === "string" && body.error.message.length > 0;
  } catch {
    return false;
  }
}

/** Classifies an answer; throws (failing the property) on a 5xx or a route handler's 4xx without the JSON shape. */
function judge(sample: Sample, response: RawResponse | null): Verdict {
  if (response === null) {
    // Unanswered may be only: a body cut short (the server drops the half-sent request); CONNECT (Node hands it to a
    // tunnel handler that is not there); and a request refused before its body was read (malformed at the HTTP level,
    // a head over Node's 16 KB, or a body over the size limit), whose answer a reset under the unread bytes can
    // destroy in flight.
    const refusedEarly =
      !STANDARD_METHODS.includes(sample.method) ||
      /[^\x21-\x7e]/.test(sample.target.toString("latin1")) ||
      sample.target.length > 16 * 1024 ||
      (sample.body?.length ?? 0) > 64 * 1024;
    if (sample.framing !== "truncated" && sample.method !== "CONNECT" && !refusedEarly) throw new Error(`no answer to ${sample.label}`);
    return "no-answer";
  }
  const { status } = response;
  if (status >= 500) throw new Error(`${status} for ${sample.label}: ${response.body.toString("utf8").slice(0, 300)}`);
  if (status < 300) return "2xx";
  if (status < 400) return "3xx";
  if (isJsonError(response)) return "json-4xx";
  if (sample.method === "HEAD") return "head-4xx";
  // Node's HTTP parser refuses a malformed request (raw control bytes, unknown method, a head over 16 KB) before any
  // code runs, with a bare status line.
  if ([400, 414, 431].includes(status) && response.headers.vary === undefined && response.headers.date === undefined) return "http-parser";
  // A request no route handler takes (a path no route matches, a method the route does not export) is answered by
  // Next.js itself: an HTML 404, an empty 405 (400 for a method it does not know), a 409 "Server Action unavailable".
  if (!sample.handled) return "framework-4xx";
  throw new Error(`${status} without the JSON error shape for ${sample.label}: ${JSON.stringify(response.headers)} ${response.body.toString("utf8").slice(0, 200)}`);
}

function knownHost(state: HostState): KnownHost {
  const images = [...state.images.values()];
  return {
    imageIds: new Set(images.map((image) => image.id)),
    containerIds: new Set(state.containers.keys()),
    references: new Set(images.flatMap((image) => image.tags)),
  };
}

function inventoryOf(state: HostState): string[] {
  return [
    ...[...state.images.values()].map((image) => `image ${image.id} ${image.tags.join(",")}`),
    ...[...state.containers.values()].map((container) => `container ${container.id} ${container.state} ${container.imageId}`),
  ].sort();
}

test.describe("fuzzed requests at every route of a running server", () => {
  test.use({ freshHost: true });
  let relay: SocketRelay;
  let server: SecondServer;

  test.beforeAll(async ({ sandbox }) => {
    const dir = path.resolve("test-results", "fuzz");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    relay = new SocketRelay(path.join(dir, "docker.sock"), sandbox.dockerHost.replace(/^unix:\/\//, ""));
    await relay.open();
    server = await startSecondServer({ DOCKER_HOST: `unix://${relay.socketPath}`, DOCKGRAPH_TOKEN: TOKEN, DOCKGRAPH_DATA_DIR: path.join(dir, "data") });
  });

  test.afterAll(async () => {
    server.stop();
    await relay.close();
  });

  test("never a 5xx, always the JSON error shape, never a daemon call with unvalidated input, nothing removed", async ({ sandbox, manifest }) => {
    test.setTimeout(Math.max(120_000, RUNS * 2_000));
    const before = await readHostState(sandbox.dockerHost);
    const host = knownHost(before);
    const realNames = [
      ...manifest.images.flatMap((image) => [...image.tags, image.id, image.shortId]),
      ...manifest.containers.flatMap((container) => [container.name, container.id, container.shortId, `container:${container.id}`]),
    ];
    const port = Number(new URL(server.baseUrl).port);
    const routes = discoverRoutes();
    expect(routes.map((route) => route.pattern)).toEqual(expect.arrayContaining(["/api/plans/[planId]/execute", "/api/plans/[planId]/script", "/api/audit", "/api/events"]));

    const createdPlans = new Set<string>();
    const perRoute: Record<string, { requests: number; verdicts: Partial<Record<Verdict, number>>; statuses: Record<string, number>; strayQueryAccepted: number; strayQueryExample: string }> = {};
    let fiveHundreds = 0;
    const started = Date.now();
    for (const [index, route] of routes.entries()) {
      // Not asserted: routes that do not validate their query yet are counted, with one example each.
      const counts = { requests: 0, verdicts: {} as Partial<Record<Verdict, number>>, statuses: {} as Record<string, number>, strayQueryAccepted: 0, strayQueryExample: "" };
      perRoute[route.pattern] = counts;
      await fc.assert(
        fc.asyncProperty(sampleArbitrary(route, realNames, port, createdPlans), async (sample) => {
          const response = await sendRaw(port, sample);
          counts.requests += 1;
          let verdict: Verdict | undefined;
          try {
            verdict = judge(sample, response);
          } finally {
            if (response && response.status >= 500) fiveHundreds += 1;
          }
          counts.verdicts[verdict] = (counts.verdicts[verdict] ?? 0) + 1;
          const status = String(response?.status ?? "none");
          counts.statuses[status] = (counts.statuses[status] ?? 0) + 1;
          if (sample.handled && sample.strayQuery && response !== null && response.status < 300) {
            counts.strayQueryAccepted += 1;
            counts.strayQueryExample ||= sample.label.slice(0, 300);
          }
          if (response?.status === 201) {
            const planId = (JSON.parse(response.body.toString("utf8")) as { planId?: string }).planId;
            if (planId) createdPlans.add(planId);
          }
        }),
        { seed: SEED + index, numRuns: RUNS, endOnFailure: true },
      );
    }

    // A body over the limit is a 413 in the JSON shape, whether its length is declared or it arrives in chunks.
    for (const framing of ["content-length", "chunked"] as const) {
      const tooLarge = await sendRaw(port, {
        method: "POST",
        target: Buffer.from("/api/plans"),
        headers: [["host", `127.0.0.1:${port}`], ["origin", `http://127.0.0.1:${port}`], ["x-dockgraph-token", TOKEN], ["content-type", "application/json"]],
        body: Buffer.from(JSON.stringify({ targets: ["x".repeat(200_000)] })),
        framing,
      });
      expect(tooLarge?.status, framing).toBe(413);
      expect(JSON.parse(tooLarge?.body.toString("utf8") ?? "{}"), framing).toMatchObject({ error: { code: "payload_too_large" } });
    }

    const frameworkCrashes: Record<string, number | null> = {};
    for (const route of routes) {
      for (const method of FRAMEWORK_CRASH_METHODS) {
        const target = Buffer.from(route.pattern.replace(/\[[^\]]+\]/g, "00000000-0000-4000-8000-000000000000"));
        frameworkCrashes[`${method} ${route.pattern}`] = (await sendRaw(port, { method, target, headers: [["host", `127.0.0.1:${port}`]] }))?.status ?? null;
      }
    }

    // The daemon's side: every call recorded, each an allowed read naming only what the host has.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const calls = [...relay.requests];
    const invalid = calls.flatMap((call) => {
      const reason = invalidReadCall(call, host) ?? FORBIDDEN_IN_DAEMON_TARGET.find((fragment) => call.target.includes(fragment));
      return reason === undefined || reason === null ? [] : [{ call: `${call.method} ${call.target}`, reason }];
    });
    const byCall: Record<string, number> = {};
    for (const call of calls) {
      const key = `${call.method} ${call.path.replace(/[0-9a-f]{64}/g, "<id>")}`;
      byCall[key] = (byCall[key] ?? 0) + 1;
    }
    const after = await readHostState(sandbox.dockerHost);
    const report = {
      seed: SEED,
      runsPerRoute: RUNS,
      durationMs: Date.now() - started,
      routes: perRoute,
      requests: Object.values(perRoute).reduce((sum, route) => sum + route.requests, 0),
      fiveHundreds,
      strayQueriesAccepted: Object.values(perRoute).reduce((sum, route) => sum + route.strayQueryAccepted, 0),
      plansCreated: createdPlans.size,
      frameworkCrashes,
      daemon: { calls: calls.length, invalidCalls: invalid.length, invalid: invalid.slice(0, 20), byCall },
      inventoryUnchanged: JSON.stringify(inventoryOf(after)) === JSON.stringify(inventoryOf(before)),
    };
    fs.writeFileSync(path.resolve("test-results", "fuzz-routes.json"), `${JSON.stringify(report, null, 2)}\n`);
    console.log(
      `fuzz (seed ${SEED}, ${RUNS} per route, ${Math.round(report.durationMs / 1000)} s): ${Object.entries(perRoute)
        .map(([route, counts]) => `${route} ${counts.requests}`)
        .join(", ")}; 5xx: ${fiveHundreds}, stray query parameters accepted: ${report.strayQueriesAccepted}; daemon calls: ${calls.length}, with invalid input: ${invalid.length}; plans created (never run): ${createdPlans.size}`,
    );

    expect(fiveHundreds).toBe(0);
    expect(report.strayQueriesAccepted).toBe(0);
    expect(invalid).toEqual([]);
    expect(calls.length).toBeGreaterThan(0);
    expect(inventoryOf(after)).toEqual(inventoryOf(before));
  });
});

test("the relay's recorder reads request heads through bodies of either framing, split anywhere", () => {
  const stream = Buffer.from(
    [
      "POST /containers/abc/stop?t=10 HTTP/1.1\r\nHost: docker\r\nContent-Length: 12\r\n\r\nGET /no HTTP",
      "POST /build HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nGET /\r\n3;x=1\r\nnop\r\n0\r\nTrailer: 1\r\n\r\n",
      "DELETE /images/sha256:aa?force=false&noprune=false HTTP/1.1\r\nHost: docker\r\n\r\n",
    ].join(""),
  );
  const expected = ["POST /containers/abc/stop t=10", "POST /build ", "DELETE /images/sha256:aa force=false&noprune=false"];
  for (const pieceSize of [1, 7, stream.length]) {
    const parser = new RequestStreamParser();
    const seen: string[] = [];
    for (let offset = 0; offset < stream.length; offset += pieceSize) {
      for (const { request } of parser.feed(stream.subarray(offset, offset + pieceSize))) seen.push(`${request.method} ${request.path} ${request.query}`);
    }
    expect(seen, `pieces of ${pieceSize}`).toEqual(expected);
  }
});
