import type { GraphNode } from "@/lib/graph/types";

/** Does a node match what the user typed: a name, a tag (or part of it), or an ID prefix? Case-insensitive. */
export function matchesSearch(node: GraphNode, query: string): boolean {
  const needle = query.trim().toLowerCase();
  if (needle === "") return true;
  const idNeedle = needle.replace(/^sha256:/, "");
  if (node.kind === "container") {
    return (
      node.name.toLowerCase().includes(needle) ||
      node.containerId.startsWith(idNeedle) ||
      node.image.toLowerCase().includes(needle) ||
      (node.composeProject?.toLowerCase().includes(needle) ?? false)
    );
  }
  if (node.imageId.replace(/^sha256:/, "").startsWith(idNeedle)) return true;
  if (node.missing) return "missing".includes(needle);
  return node.references.some((reference) => reference.toLowerCase().includes(needle)) || (node.dangling && "<none>".includes(needle));
}
