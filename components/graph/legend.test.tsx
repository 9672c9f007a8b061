import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Legend } from "@/components/graph/legend";

describe("Legend", () => {
  it("explains every container state and every kind of image the graph draws", () => {
    const html = renderToStaticMarkup(<Legend />);
    const entries = [...html.matchAll(/data-legend="([^"]+)"/g)].map((match) => match[1]);
    expect(entries).toEqual(["image", "unused", "dangling", "no digest", "missing", "running", "paused", "created", "stopped", "dead"]);
    expect(html).toContain("cannot be pulled back");
    expect(html).toContain("Compose project");
  });
});
