/**
 * The part of an edge inside a horizontal band of the layout (the viewport's rows), so that the canvas strokes
 * only what can be seen. An image with a thousand containers in a column has a thousand edges thousands of units
 * long: stroked (and dashed) whole, they cost the browser ~100 ms of rasterising per frame when zoomed in on it.
 *
 * Edges are drawn as a line or as the cubic from (x1, y1) through (x1, midY) and (x2, midY) to (x2, y2): both are
 * monotonic in y, so the visible part is one piece, cut out exactly (de Casteljau), and looks the same on screen.
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

function cubicY(curve: Cubic, t: number): number {
  const u = 1 - t;
  return u * u * u * curve[0][1] + 3 * u * u * t * curve[1][1] + 3 * u * t * t * curve[2][1] + t * t * t * curve[3][1];
}

/** The parameter where a cubic that is monotonic in y reaches y (clamped to 0…1). */
function cubicTAtY(curve: Cubic, y: number): number {
  const rising = curve[3][1] >= curve[0][1];
  let low = 0;
  let high = 1;
  for (let step = 0; step < 32; step += 1) {
    const middle = (low + high) / 2;
    if (cubicY(curve, middle) < y === rising) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** The parameter range of the edge inside rows top…bottom, or null when none of it is; [0, 1] when all of it is. */
function visibleRange(y1: number, y2: number, top: number, bottom: number, tAtY: (y: number) => number): [number, number] | null {
  const [low, high] = [Math.min(y1, y2), Math.max(y1, y2)];
  if (high < top || low > bottom) return null;
  if (low >= top && high <= bottom) return [0, 1];
  const ta = tAtY(Math.max(low, top));
  const tb = tAtY(Math.min(high, bottom));
  return [Math.min(ta, tb), Math.max(ta, tb)];
}

/** The visible piece of the edge drawn as a straight line, or null. */
export function clippedLine(edge: EdgePoints, top: number, bottom: number): EdgePoints | null {
  const { x1, y1, x2, y2 } = edge;
  const range = visibleRange(y1, y2, top, bottom, (y) => (y2 === y1 ? 0 : (y - y1) / (y2 - y1)));
  if (!range) return null;
  if (range[0] === 0 && range[1] === 1) return edge;
  const [t0, t1] = range;
  return { x1: x1 + (x2 - x1) * t0, y1: y1 + (y2 - y1) * t0, x2: x1 + (x2 - x1) * t1, y2: y1 + (y2 - y1) * t1 };
}

/** The visible piece of the edge drawn as its cubic, or null. */
export function clippedCubic(edge: EdgePoints, top: number, bottom: number): Cubic | null {
  const curve = edgeCubic(edge);
  const range = visibleRange(edge.y1, edge.y2, top, bottom, (y) => cubicTAtY(curve, y));
  if (!range) return null;
  if (range[0] === 0 && range[1] === 1) return curve;
  return cubicPiece(curve, range[0], range[1]);
}
