import { derEncodingProblem } from "../provider/der-encoding";
import { contentLength, derLength, fixtureDer, paddedLength, withLengthField } from "./helpers/der";

const hex = (text: string): Buffer => Buffer.from(text.replace(/ /g, ""), "hex");

describe("derEncodingProblem", () => {
  test.each(["rsa-2048", "ecdsa-p256", "ecdsa-p384", "rsa-1024", "ed25519"] as const)("finds none in the openssl CSR %s", (name) => {
    expect(derEncodingProblem(fixtureDer(name))).toBeUndefined();
  });

  test.each([
    { name: "an empty SEQUENCE", der: "30 00" },
    { name: "a SEQUENCE around an INTEGER", der: "30 03 02 01 05" },
    { name: "a context-specific constructed [0] around an INTEGER", der: "30 05 a0 03 02 01 05" },
    { name: "a high tag number, whose number continues in a byte with bit 8 set", der: "30 04 1f 81 01 00" },
    { name: "the long form for 128 bytes", der: `30 81 80 04 7e ${"00".repeat(126)}` },
    { name: "a high tag number on the outer element", der: "1f 81 01 01 aa" },
    { name: "a high tag number with content, inside", der: "30 05 1f 81 01 01 aa" },
  ])("finds none in $name", ({ der }) => {
    expect(derEncodingProblem(hex(der))).toBeUndefined();
  });

  test.each([
    { name: "an indefinite length", der: "30 80 02 01 05 00 00" },
    { name: "the long form for a length under 128", der: "30 81 03 02 01 05" },
    { name: "a length padded with a zero byte", der: "30 82 00 03 02 01 05" },
    { name: "a length field of five bytes", der: "30 85 00 00 00 00 03 02 01 05" },
    { name: "a length field of five bytes without a leading zero", der: "30 85 01 00 00 00 00" },
    { name: "a length of 128 padded with a zero byte", der: `30 82 00 80 04 7e ${"00".repeat(126)}` },
    { name: "the long form for a length under 128, inside", der: "30 04 02 81 01 05" },
    { name: "an indefinite length, inside", der: "30 06 30 80 02 01 05 00" },
  ])("calls $name not DER", ({ der }) => {
    expect(derEncodingProblem(hex(der))).toEqual({ kind: "not-der" });
  });

  test.each([
    { name: "no bytes", der: "" },
    { name: "a tag without a length", der: "30" },
    { name: "a length running past the end", der: "30 03 02 01" },
    { name: "a long-form length cut short", der: "30 82 01" },
    { name: "a child running past its parent", der: "30 05 30 04 02 01 05" },
    { name: "a last child without its length", der: "30 04 02 01 05 02" },
  ])("calls $name cut", ({ der }) => {
    expect(derEncodingProblem(hex(der))).toEqual({ kind: "cut" });
  });

  test("counts the bytes after the element", () => {
    expect(derEncodingProblem(hex("30 03 02 01 05 00 00"))).toEqual({ kind: "trailing", bytes: 2 });
  });

  test("a CSR with its outer length padded to four bytes is not DER", () => {
    const der = fixtureDer("ecdsa-p256");
    expect(derEncodingProblem(withLengthField(der, paddedLength(contentLength(der), 4)))).toEqual({ kind: "not-der" });
  });

  test("a four-byte length is read whole: a 16 MiB element is DER", () => {
    const content = Buffer.alloc(2 ** 24);
    content.set([0x04, 0x83, 0xff, 0xff, 0xfb]);
    expect(derEncodingProblem(Buffer.concat([hex("30 84 01 00 00 00"), content]))).toBeUndefined();
  });

  test("100,000 nested SEQUENCEs are walked without exhausting the stack", () => {
    // Innermost first: each SEQUENCE holds the one inside it, header and all.
    const headers: Buffer[] = [];
    let inner = 0;
    for (let level = 0; level < 100_000; level++) {
      const header = Buffer.concat([Buffer.from([0x30]), derLength(inner)]);
      headers.push(header);
      inner += header.length;
    }
    expect(derEncodingProblem(Buffer.concat(headers.reverse()))).toBeUndefined();
  });
});
