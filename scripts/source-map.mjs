// Source map v3 `mappings` decoding (base64 VLQ), shared by scripts/browser-check.mjs (stack
// frames mapped back to sources) and scripts/bundle-budget.mjs (bytes attributed to sources).

const B64 = new Map(
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]),
);

/**
 * Per generated line, its segments with absolute values: `[column, source, line, column]`, or
 * `[column]` for a segment that maps to no source.
 */
export function decodeMappings(mappings) {
  const out = [];
  let src = 0;
  let oline = 0;
  let ocol = 0;
  for (const line of mappings.split(';')) {
    const segs = [];
    let col = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const vals = [];
      let v = 0;
      let shift = 0;
      for (const ch of seg) {
        const d = B64.get(ch);
        v += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          vals.push(v & 1 ? -(v >>> 1) : v >>> 1);
          v = 0;
          shift = 0;
        }
      }
      col += vals[0];
      if (vals.length >= 4) {
        src += vals[1];
        oline += vals[2];
        ocol += vals[3];
        segs.push([col, src, oline, ocol]);
      } else segs.push([col]);
    }
    out.push(segs);
  }
  return out;
}
