import { z } from "zod";
import { AuditLog } from "@/lib/audit/audit-log";
import { getConfig } from "@/lib/config";
import { handle, jsonResponse } from "@/lib/http/respond";
import { parseQuery } from "@/lib/http/query";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const LIMIT_RULE = "must be a whole number from 1 to 1000";
const querySchema = {
  limit: z
    .string()
    .regex(/^[0-9]{1,4}$/, LIMIT_RULE)
    .transform(Number)
    .refine((limit) => limit >= 1 && limit <= 1000, LIMIT_RULE)
    .optional(),
};

/** GET /api/audit?limit=N: the newest audit lines (intents, outcomes, reconciled steps), newest first. */
export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    const { limit } = parseQuery(request.url, querySchema, "GET /api/audit");
    return jsonResponse({ entries: await new AuditLog(getConfig().dataDir).recent(limit ?? 100) });
  });
}
