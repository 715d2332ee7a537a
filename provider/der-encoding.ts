/**
 * Strict DER: what a PKCS#10 request must be. @peculiar/x509 also reads BER (indefinite lengths,
 * lengths padded with zero bytes) and ignores bytes after the request, but a signed request's bytes
 * are what the CA receives, and a strict parser would refuse them only after the request was sent.
 */

/** How bytes fail to be exactly one DER element. */
export type DerEncodingProblem =
  /** An indefinite length, or a length written with more bytes than needed. */
  | { kind: "not-der" }
  /** A length that runs past the end of the bytes or of the element around it. */
  | { kind: "cut" }
  /** The element ends before the bytes do. */
  | { kind: "trailing"; bytes: number };

/**
 * Why `der` is not exactly one strict DER element, or undefined. Walks every element inside
 * constructed ones without recursion, so deep nesting cannot exhaust the stack.
 */
export function derEncodingProblem(der: Uint8Array): DerEncodingProblem | undefined {
  const outer = readHeader(der, 0);
  if ("kind" in outer) return outer;
  if (outer.end > der.length) return { kind: "cut" };
  if (outer.end < der.length) return { kind: "trailing", bytes: der.length - outer.end };
  const openEnds: number[] = [];
  let element = outer;
  for (;;) {
    if (element.constructed) openEnds.push(element.end);
    const next = element.constructed ? element.contentStart : element.end;
    while (openEnds.length > 0 && next === openEnds.at(-1)) openEnds.pop();
    const parentEnd = openEnds.at(-1);
    if (parentEnd === undefined) return undefined;
    const child = readHeader(der, next);
    if ("kind" in child) return child;
    if (child.end > parentEnd) return { kind: "cut" };
    element = child;
  }
}

interface ElementHeader {
  constructed: boolean;
  contentStart: number;
  end: number;
}

/** Where the element at `offset` holds its content, or why its tag and length are not strict DER. */
function readHeader(der: Uint8Array, offset: number): ElementHeader | DerEncodingProblem {
  const tag = der[offset];
  if (tag === undefined) return { kind: "cut" };
  let position = offset + 1;
  // A high tag number continues in the following bytes, up to the first one without bit 8.
  if ((tag & 0x1f) === 0x1f) while (((der[position++] ?? 0) & 0x80) !== 0);
  const first = der[position++];
  if (first === undefined) return { kind: "cut" };
  let length = first;
  if (first >= 0x80) {
    // An indefinite length (0x80) has no octets: it reads as 0, under 128, so it is not DER either.
    const octets = first & 0x7f;
    if (octets > 4 || der[position] === 0) return { kind: "not-der" };
    length = 0;
    for (let index = 0; index < octets; index++) {
      const octet = der[position++];
      if (octet === undefined) return { kind: "cut" };
      length = length * 256 + octet;
    }
    if (length < 0x80) return { kind: "not-der" };
  }
  return { constructed: (tag & 0x20) !== 0, contentStart: position, end: position + length };
}
