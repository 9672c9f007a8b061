import { z } from "zod";
import { AuditLog } from "@/lib/audit/audit-log";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { handle, jsonResponse } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const limitSchema = z.coerce.number().int().min(1).max(1000).default(100);

/** GET /api/audit?limit=N: the newest executed steps, newest first. */
export async function GET(request: Request): Promise<Response> {
  return handle(request, { mutating: false }, async () => {
    const raw = new URL(request.url).searchParams.get("limit") ?? undefined;
    const limit = limitSchema.safeParse(raw);
    if (!limit.success) throw new AppError("invalid_input", "limit must be a whole number from 1 to 1000.");
    return jsonResponse({ entries: await new AuditLog(getConfig().dataDir).recent(limit.data) });
  });
}
