import { canonicalHostname, describeInvalidHostname, hostnameSet, MAX_HOSTNAMES } from "./hostnames";

/** Options of {@link mtlsRuleExpression}. */
export interface MtlsRuleOptions {
  /** The hostnames the rule protects; order, case and duplicates do not matter. */
  hostnames: readonly string[];
  /**
   * Also block certificates that were revoked (`cf.tls_client_auth.cert_revoked`). Cloudflare
   * reports revocation for certificates of its managed CA only.
   * @default true
   */
  blockRevoked?: boolean;
}

/** The longest expression Cloudflare accepts in a rule. */
export const MAX_RULE_EXPRESSION_LENGTH = 4096;

/**
 * Builds the expression of the WAF custom rule that enforces mTLS: it matches requests to the
 * hostnames that come without a valid client certificate (or with a revoked one), so a rule with
 * action `block` lets only clients with a certificate through.
 *
 * @example
 * ```ts
 * mtlsRuleExpression({ hostnames: ["b.example.com", "a.example.com"] });
 * // (http.host in {"a.example.com" "b.example.com"} and (not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked))
 * ```
 * @throws TypeError when a hostname is not fully qualified, the list is empty, or the expression
 * would exceed Cloudflare's 4096 characters.
 */
export function mtlsRuleExpression(options: MtlsRuleOptions): string {
  const given: unknown = options.hostnames;
  if (!Array.isArray(given) || given.length === 0)
    throw new TypeError("mtlsRuleExpression: hostnames must be a non-empty array of fully qualified hostnames");
  if (given.length > MAX_HOSTNAMES) throw new TypeError(`mtlsRuleExpression: ${given.length} hostnames; at most ${MAX_HOSTNAMES}`);
  for (const hostname of given as unknown[]) {
    if (typeof hostname !== "string") throw new TypeError(`mtlsRuleExpression: hostnames must be strings, got ${typeof hostname}`);
    const problem = describeInvalidHostname(canonicalHostname(hostname));
    if (problem !== undefined) throw new TypeError(`mtlsRuleExpression: the hostname ${JSON.stringify(hostname.slice(0, 80))} ${problem}`);
  }
  const set = hostnameSet(given as string[])
    .map(quoteRuleString)
    .join(" ");
  const unverified =
    options.blockRevoked === false
      ? "not cf.tls_client_auth.cert_verified"
      : "(not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked)";
  const expression = `(http.host in {${set}} and ${unverified})`;
  if (expression.length > MAX_RULE_EXPRESSION_LENGTH) {
    throw new TypeError(
      `mtlsRuleExpression: the expression is ${expression.length} characters; Cloudflare accepts at most ${MAX_RULE_EXPRESSION_LENGTH}: split the hostnames over several rules`,
    );
  }
  return expression;
}

/**
 * A quoted string of Cloudflare's rules language: between double quotes, with `"` and `\` escaped
 * by a backslash. Validated hostnames hold neither; this keeps any other string from ending the literal.
 */
export function quoteRuleString(value: string): string {
  return `"${value.replace(/[\\"]/g, (character) => `\\${character}`)}"`;
}
