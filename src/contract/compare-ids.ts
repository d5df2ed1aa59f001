const DECIMAL = /^\d+$/;

/**
 * The order of `getTokens()`: decimal ids (what stores generate, as the official SDKs do) in numeric order,
 * then any other ids in code-unit order.
 */
export function compareIds(a: string, b: string): number {
  const aDecimal = DECIMAL.test(a);
  const bDecimal = DECIMAL.test(b);
  if (aDecimal && bDecimal) {
    if (a.length !== b.length) {
      // Leading zeros aside, a longer decimal is larger; compare as numbers only when lengths differ.
      const byValue = BigInt(a) - BigInt(b);
      if (byValue !== 0n) return byValue < 0n ? -1 : 1;
    }
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (aDecimal !== bDecimal) return aDecimal ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
