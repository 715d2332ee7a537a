import { MAX_RULE_EXPRESSION_LENGTH, mtlsRuleExpression, quoteRuleString } from "../provider/mtls-rule-expression";

// A parser of the part of Cloudflare's rules language the expression uses, written from the
// documentation (ruleset-engine/rules-language): fields, `in` with a set `{...}` of space-separated
// quoted strings, `not`, `and`, `or` (`not` binds tightest, then `and`, then `or`), parentheses.
// Quoted strings are delimited by `"`; inside them `\"` and `\\` are the only escapes.

type Node =
  | { kind: "field"; name: string }
  | { kind: "in"; field: string; set: string[] }
  | { kind: "not"; operand: Node }
  | { kind: "and" | "or"; left: Node; right: Node };

const KNOWN_FIELDS = ["http.host", "cf.tls_client_auth.cert_verified", "cf.tls_client_auth.cert_revoked"];

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (let index = 0; index < text.length;) {
    const character = text[index] ?? "";
    if (character === " ") {
      index++;
    } else if ("(){}".includes(character)) {
      tokens.push(character);
      index++;
    } else if (character === '"') {
      let literal = "";
      for (index++; ; index++) {
        const next = text[index];
        if (next === undefined) throw new SyntaxError("unterminated string");
        if (next === '"') break;
        if (next === "\\") {
          const escaped = text[++index];
          if (escaped !== '"' && escaped !== "\\") throw new SyntaxError(`invalid escape \\${escaped}`);
          literal += escaped;
        } else {
          literal += next;
        }
      }
      index++;
      tokens.push(`"${JSON.stringify(literal)}`);
    } else {
      const word = /^[a-z_][a-z0-9_.]*/.exec(text.slice(index))?.[0];
      if (word === undefined) throw new SyntaxError(`unexpected ${character}`);
      tokens.push(word);
      index += word.length;
    }
  }
  return tokens;
}

function parse(text: string): Node {
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const take = (expected?: string): string => {
    const token = tokens[position++];
    if (token === undefined || (expected !== undefined && token !== expected))
      throw new SyntaxError(`expected ${expected ?? "a token"}, got ${token}`);
    return token;
  };
  const orExpression = (): Node => {
    let left = andExpression();
    while (peek() === "or") {
      take();
      left = { kind: "or", left, right: andExpression() };
    }
    return left;
  };
  const andExpression = (): Node => {
    let left = unary();
    while (peek() === "and") {
      take();
      left = { kind: "and", left, right: unary() };
    }
    return left;
  };
  const unary = (): Node => {
    if (peek() === "not") {
      take();
      return { kind: "not", operand: unary() };
    }
    if (peek() === "(") {
      take();
      const inner = orExpression();
      take(")");
      return inner;
    }
    const field = take();
    if (!KNOWN_FIELDS.includes(field)) throw new SyntaxError(`unknown field ${field}`);
    if (peek() !== "in") return { kind: "field", name: field };
    take();
    take("{");
    const set: string[] = [];
    while (peek()?.startsWith('"')) set.push(JSON.parse(take().slice(1)) as string);
    take("}");
    return { kind: "in", field, set };
  };
  const tree = orExpression();
  if (position !== tokens.length) throw new SyntaxError(`trailing ${tokens[position]}`);
  return tree;
}

const verified: Node = { kind: "field", name: "cf.tls_client_auth.cert_verified" };
const revoked: Node = { kind: "field", name: "cf.tls_client_auth.cert_revoked" };

describe("mtlsRuleExpression", () => {
  test("builds the documented expression", () => {
    expect(mtlsRuleExpression({ hostnames: ["b.example.com", "a.example.com"], blockRevoked: true })).toBe(
      '(http.host in {"a.example.com" "b.example.com"} and (not cf.tls_client_auth.cert_verified or cf.tls_client_auth.cert_revoked))',
    );
  });

  test.each([
    {
      name: "one hostname, revoked blocked by default",
      options: { hostnames: ["api.example.com"] },
      set: ["api.example.com"],
      blockRevoked: true,
    },
    {
      name: "a set, sorted, lower case, each once",
      options: { hostnames: ["B.example.com", "a.example.com", "b.example.com."] },
      set: ["a.example.com", "b.example.com"],
      blockRevoked: true,
    },
    {
      name: "without the revocation check",
      options: { hostnames: ["api.example.com"], blockRevoked: false },
      set: ["api.example.com"],
      blockRevoked: false,
    },
    { name: "punycode", options: { hostnames: ["xn--bcher-kva.example.com"] }, set: ["xn--bcher-kva.example.com"], blockRevoked: true },
  ])("$name parses as: host in the set and (no valid certificate [or revoked])", ({ options, set, blockRevoked }) => {
    const expression = mtlsRuleExpression(options);
    const unverified: Node = { kind: "not", operand: verified };
    expect(parse(expression)).toEqual({
      kind: "and",
      left: { kind: "in", field: "http.host", set },
      right: blockRevoked ? { kind: "or", left: unverified, right: revoked } : unverified,
    });
  });

  test.each([
    { name: "an empty list", hostnames: [], error: /non-empty array/ },
    { name: "a bare label", hostnames: ["api"], error: /"api" is not fully qualified/ },
    { name: "a quote that would end the literal", hostnames: ['a".example.com'], error: /has the label/ },
    { name: "a wildcard", hostnames: ["*.example.com"], error: /is a wildcard/ },
    { name: "a non-string", hostnames: [42 as unknown as string], error: /must be strings/ },
  ])("refuses $name", ({ hostnames, error }) => {
    expect(() => mtlsRuleExpression({ hostnames })).toThrow(error);
  });

  test(`refuses an expression longer than Cloudflare's ${MAX_RULE_EXPRESSION_LENGTH} characters, and builds one of 164 hostnames that fits`, () => {
    const hostnames = (count: number) => Array.from({ length: count }, (_, index) => `host-${String(index).padStart(4, "0")}.example.com`);
    // Each entry adds 24 characters ("host-0000.example.com" quoted, and a space).
    expect(mtlsRuleExpression({ hostnames: hostnames(164) }).length).toBeLessThanOrEqual(MAX_RULE_EXPRESSION_LENGTH);
    expect(() => mtlsRuleExpression({ hostnames: hostnames(200) })).toThrow(
      /characters; Cloudflare accepts at most 4096: split the hostnames over several rules/,
    );
  });
});

describe("quoteRuleString", () => {
  test.each([
    { input: "a.example.com", want: '"a.example.com"' },
    { input: 'say "hi"', want: '"say \\"hi\\""' },
    { input: "back\\slash", want: '"back\\\\slash"' },
    { input: '\\"', want: '"\\\\\\""' },
    { input: "", want: '""' },
  ])("quotes $input as $want, which the grammar reads back unchanged", ({ input, want }) => {
    const quoted = quoteRuleString(input);
    expect(quoted).toBe(want);
    expect(parse(`http.host in {${quoted}}`)).toEqual({ kind: "in", field: "http.host", set: [input] });
  });
});

describe("mtlsRuleExpression bounds (mutation survivors)", () => {
  // Every hostname costs its length plus its quotes and a separating space; the first has no space.
  const overhead = mtlsRuleExpression({ hostnames: ["a.co"] }).length - '"a.co"'.length;
  const hostnamesFilling = (setLength: number): string[] => {
    const names: string[] = [];
    let left = setLength + 1;
    while (left > 78) {
      names.push(`${String(names.length).padStart(4, "0")}.example.com`);
      left -= 19;
    }
    names.push(`${"z".repeat(left - 15)}.example.com`);
    return names;
  };

  test("an expression of exactly 4096 characters is accepted, and one more is refused", () => {
    const exact = mtlsRuleExpression({ hostnames: hostnamesFilling(MAX_RULE_EXPRESSION_LENGTH - overhead) });
    expect(exact).toHaveLength(MAX_RULE_EXPRESSION_LENGTH);
    expect(() => mtlsRuleExpression({ hostnames: hostnamesFilling(MAX_RULE_EXPRESSION_LENGTH - overhead + 1) })).toThrow(
      "mtlsRuleExpression: the expression is 4097 characters; Cloudflare accepts at most 4096",
    );
  });

  test("1000 hostnames pass the count and fail on the length; 1001 fail on the count", () => {
    const many = (count: number) => Array.from({ length: count }, (_, index) => `h${index}.example.com`);
    expect(() => mtlsRuleExpression({ hostnames: many(1000) })).toThrow(/the expression is \d+ characters/);
    expect(() => mtlsRuleExpression({ hostnames: many(1001) })).toThrow("mtlsRuleExpression: 1001 hostnames; at most 1000");
  });

  test("a bad hostname is shown by its first 80 characters", () => {
    const hostname = `${"_".repeat(100)}.example.com`;
    expect(() => mtlsRuleExpression({ hostnames: [hostname] })).toThrow(
      `mtlsRuleExpression: the hostname ${JSON.stringify(hostname.slice(0, 80))} has the label`,
    );
  });
});
