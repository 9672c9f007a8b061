/**
 * The part of an edge inside a rectangle of the layout (the viewport), so that the canvas strokes
 * only what can be seen. An image with a thousand containers in a column has a thousand edges thousands of units
 * long: stroked (and dashed) whole, they cost the browser ~100 ms of rasterising per frame when zoomed in on it.
 *
 * Edges are drawn as a line or as the cubic from (x1, y1) through (x1, midY) and (x2, midY) to (x2, y2): both are
 * monotonic in x and in y, so the visible part is one piece, cut out exactly (de Casteljau): the same on screen.
 */

export interface EdgePoints {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** A cubic Bézier: start, two control points, end. */
export type Cubic = [[number, number], [number, number], [number, number], [number, number]];

/** The edge as the canvas and SVG draw it when zoomed in: a vertical S from source to target. */
export function edgeCubic({ x1, y1, x2, y2 }: EdgePoints): Cubic {
  const midY = (y1 + y2) / 2;
  return [
    [x1, y1],
    [x1, midY],
    [x2, midY],
    [x2, y2],
  ];
}

function lerp(a: [number, number], b: [number, number], t: number): [number, number] {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

/** The piece of a cubic between parameters t0 ≤ t1. */
export function cubicPiece(curve: Cubic, t0: number, t1: number): Cubic {
  const [p0, p1, p2, p3] = curve;
  // The part before t1…
  const a = lerp(p0, p1, t1);
  const b = lerp(p1, p2, t1);
  const c = lerp(p2, p3, t1);
  const d = lerp(a, b, t1);
  const e = lerp(b, c, t1);
  const head: Cubic = [p0, a, d, lerp(d, e, t1)];
  if (t0 <= 0 || t1 <= 0) return head;
  // …and of that, the part after t0 (t0 / t1 of the way along it).
  const s = t0 / t1;
  const [q0, q1, q2, q3] = head;
  const f = lerp(q0, q1, s);
  const g = lerp(q1, q2, s);
  const h = lerp(q2, q3, s);
  const i = lerp(f, g, s);
  const j = lerp(g, h, s);
  return [lerp(i, j, s), j, h, q3];
}

/** A rectangle of the layout: the viewport, with a margin. */
export interface ClipBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

type Axis = 0 | 1;

function cubicAt(curve: Cubic, axis: Axis, t: number): number {
  const u = 1 - t;
  return u * u * u * curve[0][axis] + 3 * u * u * t * curve[1][axis] + 3 * u * t * t * curve[2][axis] + t * t * t * curve[3][axis];
}

/** The parameter where a cubic that is monotonic along the axis reaches the value (clamped to 0…1). */
function cubicTAt(curve: Cubic, axis: Axis, value: number): number {
  const rising = curve[3][axis] >= curve[0][axis];
  let low = 0;
  let high = 1;
  for (let step = 0; step < 32; step += 1) {
    const middle = (low + high) / 2;
    if (cubicAt(curve, axis, middle) < value === rising) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** The parameter range where a coordinate going monotonically from `from` to `to` is within min…max, or null. */
function rangeWithin(from: number, to: number, min: number, max: number, tAt: (value: number) => number): [number, number] | null {
  const [low, high] = [Math.min(from, to), Math.max(from, to)];
  if (high < min || low > max) return null;
  if (low >= min && high <= max) return [0, 1];
  const ta = tAt(Math.max(low, min));
  const tb = tAt(Math.min(high, max));
  return [Math.min(ta, tb), Math.max(ta, tb)];
}

/** Where the edge is inside the box along both axes (each monotonic in t, so one interval), or null. */
function visibleRange(edge: EdgePoints, box: ClipBox, tAt: (axis: Axis, value: number) => number): [number, number] | null {
  const across = rangeWithin(edge.x1, edge.x2, box.left, box.right, (value) => tAt(0, value));
  const down = rangeWithin(edge.y1, edge.y2, box.top, box.bottom, (value) => tAt(1, value));
  if (!across || !down) return null;
  const [t0, t1] = [Math.max(across[0], down[0]), Math.min(across[1], down[1])];
  return t0 <= t1 ? [t0, t1] : null;
}

/** The visible piece of the edge drawn as a straight line, or null. */
export function clippedLine(edge: EdgePoints, box: ClipBox): EdgePoints | null {
  const { x1, y1, x2, y2 } = edge;
  const range = visibleRange(edge, box, (axis, value) => {
    const [from, to] = axis === 0 ? [x1, x2] : [y1, y2];
    return to === from ? 0 : (value - from) / (to - from);
  });
  if (!range) return null;
  if (range[0] === 0 && range[1] === 1) return edge;
  const [t0, t1] = range;
  return { x1: x1 + (x2 - x1) * t0, y1: y1 + (y2 - y1) * t0, x2: x1 + (x2 - x1) * t1, y2: y1 + (y2 - y1) * t1 };
}

/** The visible piece of the edge drawn as its cubic, or null. */
export function clippedCubic(edge: EdgePoints, box: ClipBox): Cubic | null {
  const curve = edgeCubic(edge);
  const range = visibleRange(edge, box, (axis, value) => cubicTAt(curve, axis, value));
  if (!range) return null;
  if (range[0] === 0 && range[1] === 1) return curve;
  return cubicPiece(curve, range[0], range[1]);
}
