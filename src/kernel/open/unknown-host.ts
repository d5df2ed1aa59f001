/**
 * A failed host name lookup, in words that say what to do: "cannot be reached now, retry" misleads when the host
 * name does not exist. Node's DNS errors carry the code and the host name (never a password). Both stay
 * STORE_UNAVAILABLE: a name can be missing for a while (a container being restarted drops out of Docker's and
 * Kubernetes' DNS), and the store recovers by itself once it resolves. See docs/open-store.md.
 */
export function hostLookupFailure(error: unknown): string | null {
  const { code, hostname } = (error ?? {}) as { code?: unknown; hostname?: unknown };
  const host = typeof hostname === 'string' && hostname.length <= 253 ? `"${hostname}"` : 'of the store location';
  if (code === 'ENOTFOUND') {
    return `the host ${host} was not found (ENOTFOUND): check the host name. If it is right, it has no DNS entry yet (a service not started?); the store connects once it has.`;
  }
  if (code === 'EAI_AGAIN') {
    return `the DNS lookup of the host ${host} failed for now (EAI_AGAIN): retry; if it keeps failing, check the host name and this machine's DNS.`;
  }
  return null;
}
