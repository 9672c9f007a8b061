import type { Locator, Page } from "@playwright/test";

/** The dashboard as a user sees it: the graph, the list beside it, the details of a selection. */
export class GraphPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto("/");
    await this.graphNodes().first().waitFor();
  }

  graphNodes(): Locator {
    return this.page.locator("svg.graph-canvas [data-node-id]");
  }

  /** A node drawn on the graph, by node id ("image:sha256:…", "container:…"). */
  graphNode(nodeId: string): Locator {
    return this.page.locator(`svg.graph-canvas [data-node-id="${nodeId}"]`);
  }

  /** The ids of the containers drawn on the graph ("container:<64 hex>"), sorted. */
  async drawnContainerIds(): Promise<string[]> {
    const ids = await this.page.locator('svg.graph-canvas [data-kind="container"]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-node-id") ?? ""));
    return ids.sort();
  }

  /** The accessible list entry of a node. */
  listEntry(nodeId: string): Locator {
    return this.page.locator(`[data-list-node-id="${nodeId}"]`);
  }

  daemonStatus(): Locator {
    return this.page.getByTestId("daemon-status");
  }

  details(): Locator {
    return this.page.getByTestId("node-details");
  }

  async search(text: string): Promise<void> {
    await this.page.getByRole("searchbox", { name: "Search images and containers" }).fill(text);
  }

  async searchAndOpen(text: string): Promise<void> {
    await this.search(text);
    await this.page.getByRole("searchbox", { name: "Search images and containers" }).press("Enter");
  }
}
