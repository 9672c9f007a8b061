import http from "node:http";

/*
 * A minimal Engine API client over a unix socket for the sandbox tooling. The app's own client lives in
 * lib/docker (the only place allowed to use dockerode); scripts only need a handful of calls.
 */

export interface EngineResponse {
  status: number;
  body: unknown;
  text: string;
}

export function engineRequest(
  socketPath: string,
  method: "GET" | "POST" | "DELETE",
  requestPath: string,
  options: { body?: unknown; timeoutMs?: number } = {},
): Promise<EngineResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        socketPath,
        method,
        path: requestPath,
        headers: payload === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
        timeout: options.timeoutMs ?? 10_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          if ((response.headers["content-type"] ?? "").includes("json") && text.length > 0) {
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
          }
          resolve({ status: response.statusCode ?? 0, body, text });
        });
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`${method} ${requestPath} timed out`)));
    request.on("error", reject);
    if (payload !== undefined) request.write(payload);
    request.end();
  });
}

/** True when the daemon behind the socket answers `/_ping` with OK. */
export async function pingEngine(socketPath: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await engineRequest(socketPath, "GET", "/_ping", { timeoutMs });
    return response.status === 200;
  } catch {
    return false;
  }
}

export interface EngineContainerSummary {
  Id: string;
  Names?: string[];
  State: string;
}

export async function listEngineContainers(socketPath: string): Promise<EngineContainerSummary[]> {
  const response = await engineRequest(socketPath, "GET", "/containers/json?all=1");
  if (response.status !== 200 || !Array.isArray(response.body)) {
    throw new Error(`Listing containers failed (${response.status}): ${response.text.trim()}`);
  }
  return response.body as EngineContainerSummary[];
}
