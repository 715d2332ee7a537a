import { cached, newBoundedCache, remember } from "../provider/bounded-cache";
import { CsrError, inspectCsr } from "../provider/csr";
import { csrFixture } from "./fixtures/csr-fixtures";

// The engine checks a certificate's inputs, then creates it, in one provider process: the CSR is
// parsed and its signature verified once, and the second inspection is the first one's result.

describe("inspectCsr remembers valid CSRs", () => {
  test("the same CSR in another form (CRLF, escaped newlines) is inspected once", async () => {
    const pem = csrFixture("ecdsa-p256");
    const first = await inspectCsr(pem.replace(/\n/g, "\r\n"));
    expect(await inspectCsr(pem)).toBe(first);
    expect(await inspectCsr(pem.replace(/\n/g, "\\n"))).toBe(first);
    expect(first).toMatchObject({ pem, keyDescription: "ECDSA P-256" });
  });

  test("a CSR accepted as already signed is still refused for issuance", async () => {
    const pem = csrFixture("rsa-1024");
    expect((await inspectCsr(pem, { issuancePolicy: false })).keyDescription).toBe("RSA 1024");
    const error = await inspectCsr(pem).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CsrError);
    expect((error as CsrError).message).toBe(
      "csr has an RSA key of 1024 bits; Cloudflare signs RSA 2048 to 4096 bits, or ECDSA on P-256 or P-384",
    );
  });

  test("a refused CSR is refused every time", async () => {
    const pem = csrFixture("ecdsa-p256-bad-signature");
    for (let attempt = 0; attempt < 2; attempt++) await expect(inspectCsr(pem)).rejects.toBeInstanceOf(CsrError);
  });
});

test.each<{ name: string; capacity: number; add: string[]; want: Record<string, number | undefined>; keys: string[] }>([
  { name: "keeps up to its capacity", capacity: 3, add: ["a", "b", "c"], want: { a: 1, b: 2, c: 3 }, keys: ["a", "b", "c"] },
  { name: "drops the oldest when full", capacity: 2, add: ["a", "b", "c"], want: { a: undefined, b: 2, c: 3 }, keys: ["b", "c"] },
  {
    name: "adding a key again neither moves nor replaces it",
    capacity: 2,
    add: ["a", "b", "a", "c"],
    want: { a: undefined, b: 2, c: 4 },
    keys: ["b", "c"],
  },
  { name: "inherited names are not entries", capacity: 2, add: [], want: { constructor: undefined, toString: undefined }, keys: [] },
])("a bounded cache $name", ({ capacity, add, want, keys }) => {
  const cache = newBoundedCache<number>(capacity);
  add.forEach((key, index) => remember(cache, key, index + 1));
  expect(Object.fromEntries(Object.keys(want).map((key) => [key, cached(cache, key)]))).toEqual(want);
  expect(cache.keys).toEqual(keys);
});
