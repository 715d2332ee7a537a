import { AdoptionError, CloudflareApiError, formatApiErrors, IssuedWithErrorsError } from "../provider/errors";

describe("error classes keep a cause only when there is one", () => {
  const cause = new Error("socket hang up");
  test.each([
    { name: "CloudflareApiError", make: (options?: { cause: unknown }) => new CloudflareApiError("reading", options) },
    { name: "AdoptionError", make: (options?: { cause: unknown }) => new AdoptionError("adopting", options) },
  ])("$name", ({ make }) => {
    expect(make({ cause }).cause).toBe(cause);
    // An own `cause: undefined` would print as "[cause]: undefined" under every such error.
    expect(Object.hasOwn(make(), "cause")).toBe(false);
  });
});

test("IssuedWithErrorsError names the certificate and every reason", () => {
  const error = new IssuedWithErrorsError("9f2c4e0d8b7a4c1e9d3f6a5b2c1d0e9f", { status: "active" }, ["the read failed", "the key differs"]);
  expect(error.message).toBe(
    "client certificate 9f2c4e0d8b7a4c1e9d3f6a5b2c1d0e9f was issued and recorded in state, but: the read failed; the key differs",
  );
  expect(error.name).toBe("IssuedWithErrorsError");
});

test.each([
  { errors: [], want: "no error details in the response" },
  {
    errors: [
      { code: 1407, message: "already revoked" },
      { code: 10000, message: "Authentication error" },
    ],
    want: "Cloudflare error 1407: already revoked; Cloudflare error 10000: Authentication error",
  },
])("formatApiErrors of $errors.length errors", ({ errors, want }) => {
  expect(formatApiErrors(errors)).toBe(want);
});
