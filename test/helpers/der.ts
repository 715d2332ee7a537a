import { csrDer } from "../../provider/csr";
import { csrFixture, type CsrFixture } from "../fixtures/csr-fixtures";

/** A definite DER length field, in its shortest form. */
export function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

/** A long-form length field of `octets` bytes: BER, and not DER when shorter would do. */
export function paddedLength(length: number, octets: number): number[] {
  const field = Buffer.alloc(octets);
  field.writeUIntBE(length, 0, octets);
  return [0x80 | octets, ...field];
}

/** One DER element: `tag`, the shortest length, then the contents. */
export function tlv(tag: number, ...contents: Uint8Array[]): Buffer {
  const content = Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

/** The length of an element's contents. */
export function contentLength(element: Uint8Array): number {
  const { contentStart, end } = header(Buffer.from(element), 0);
  return end - contentStart;
}

/** The elements inside a constructed element that uses definite lengths and low tag numbers. */
export function derChildren(element: Uint8Array): Buffer[] {
  const bytes = Buffer.from(element);
  const { contentStart, end } = header(bytes, 0);
  const children: Buffer[] = [];
  for (let offset = contentStart; offset < end;) {
    const child = header(bytes, offset);
    children.push(bytes.subarray(offset, child.end));
    offset = child.end;
  }
  return children;
}

/** `element` with its length field replaced by `lengthField` (e.g. a padded or indefinite one). */
export function withLengthField(element: Uint8Array, lengthField: readonly number[]): Buffer {
  const bytes = Buffer.from(element);
  const { contentStart, end } = header(bytes, 0);
  const indefinite = lengthField.length === 1 && lengthField[0] === 0x80;
  return Buffer.concat([
    bytes.subarray(0, 1),
    Buffer.from(lengthField),
    bytes.subarray(contentStart, end),
    Buffer.alloc(indefinite ? 2 : 0),
  ]);
}

/** The DER of a fixture CSR. */
export function fixtureDer(name: CsrFixture): Buffer {
  return csrDer(csrFixture(name));
}

function header(bytes: Buffer, offset: number): { contentStart: number; end: number } {
  const first = bytes[offset + 1] ?? 0;
  if (first < 0x80) return { contentStart: offset + 2, end: offset + 2 + first };
  const octets = first & 0x7f;
  const length = bytes.readUIntBE(offset + 2, octets);
  return { contentStart: offset + 2 + octets, end: offset + 2 + octets + length };
}
