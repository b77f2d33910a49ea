import assert from 'node:assert/strict';

export function assertClose(actual: unknown, expected: number, tolerance: number, label: string): void {
  assert.equal(typeof actual, 'number', `${label}: expected a number, got ${String(actual)}`);
  const difference = Math.abs((actual as number) - expected);
  assert.ok(difference <= tolerance, `${label}: ${String(actual)} differs from ${expected} by ${difference} (tolerance ${tolerance})`);
}

/** Deep comparison of JSON-like values with numbers compared to a tolerance. */
export function assertResultsClose(actual: unknown, expected: unknown, tolerance: number, label: string): void {
  if (typeof expected === 'number') return assertClose(actual, expected, tolerance, label);
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${label}: expected an array`);
    assert.equal(actual.length, expected.length, `${label}: length`);
    expected.forEach((item, i) => assertResultsClose(actual[i], item, tolerance, `${label}[${i}]`));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${label}: expected an object`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${label}: keys`);
    for (const [key, value] of Object.entries(expected)) assertResultsClose((actual as Record<string, unknown>)[key], value, tolerance, `${label}.${key}`);
    return;
  }
  assert.deepEqual(actual, expected, label);
}
