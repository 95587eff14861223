// Random mutations of JSON values for the fuzz tests (fast-check): 1-3 fields of a valid body replaced by
// odd values or removed. Shared by tests/gateway/fuzz.test.ts and tests/gateway/responses/fuzz.test.ts.
import fc from 'fast-check';

export const oddValue = fc.oneof(
  fc.constant(null),
  fc.constant([null]),
  fc.constant({}),
  fc.constant([]),
  fc.integer({ min: -1e12, max: 1e12 }),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 8 }),
  fc.constant('模型'),
  fc.constant(undefined),
);

type Path = Array<string | number>;

function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length > 0) out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  return out;
}

/** A copy of `value` with the field at `path` replaced (undefined: removed). */
function mutate(value: unknown, path: Path, replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

/** 1-3 random fields of `base` replaced by odd values. */
export function mutated(base: unknown, odd: fc.Arbitrary<unknown> = oddValue): fc.Arbitrary<unknown> {
  const paths = pathsOf(base);
  return fc.array(fc.tuple(fc.integer({ min: 0, max: paths.length - 1 }), odd), { minLength: 1, maxLength: 3 }).map((changes) => {
    let value = base;
    for (const [index, replacement] of changes) {
      const path = pathsOf(value)[index % Math.max(1, pathsOf(value).length)];
      if (path) value = mutate(value, path, replacement);
    }
    return value;
  });
}
