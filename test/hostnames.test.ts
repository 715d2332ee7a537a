import { describeInvalidHostname, describeInvalidMtlsCertificateId, isMtlsCertificateId, sameHostnames } from "../provider/hostnames";

const label = (length: number, character = "a") => character.repeat(length);

describe("describeInvalidHostname", () => {
  test.each([
    { name: "253 characters", hostname: [label(63), label(63), label(63), label(61)].join(".") },
    { name: "a label of 63 characters", hostname: `${label(63)}.example.com` },
    { name: "a first label of digits", hostname: "123.example.com" },
    { name: "inner hyphens", hostname: "a-b--c.example.com" },
    { name: "a last label ending in a digit", hostname: "api.example.a1" },
    { name: "a last label starting with a digit", hostname: "api.example.1a" },
  ])("accepts $name", ({ hostname }) => {
    expect(describeInvalidHostname(hostname)).toBeUndefined();
  });

  test.each([
    {
      name: "254 characters",
      hostname: [label(63), label(63), label(63), label(62)].join("."),
      want: "is 254 characters long; a hostname has at most 253",
    },
    {
      name: "a label of 64 characters",
      hostname: `${label(64)}.example.com`,
      want: `has the label "${label(64)}": labels are 1 to 63 letters, digits and inner hyphens`,
    },
    {
      name: "a leading hyphen",
      hostname: "-api.example.com",
      want: 'has the label "-api": labels are 1 to 63 letters, digits and inner hyphens',
    },
    {
      name: "a long bad label, shown by its first 70 characters",
      hostname: `${label(100, "_")}.example.com`,
      want: `has the label "${label(70, "_")}": labels are 1 to 63 letters, digits and inner hyphens`,
    },
    { name: "an IP address", hostname: "10.0.0.1", want: "is an IP address; hostname associations take hostnames" },
    {
      name: "an IP address whose last part has two digits",
      hostname: "10.0.0.45",
      want: "is an IP address; hostname associations take hostnames",
    },
    { name: "the empty string", hostname: "", want: "is empty" },
    { name: "two dots in a row", hostname: "api..example.com", want: "has an empty label (two dots in a row, or a leading dot)" },
    { name: "a leading dot", hostname: ".example.com", want: "has an empty label (two dots in a row, or a leading dot)" },
  ])("refuses $name", ({ hostname, want }) => {
    expect(describeInvalidHostname(hostname)).toBe(want);
  });
});

test.each([
  { value: null, want: "must be a string, got null" },
  { value: 42, want: "must be a string, got number" },
])("describeInvalidMtlsCertificateId($value)", ({ value, want }) => {
  expect(describeInvalidMtlsCertificateId(value)).toBe(want);
});

describe("sameHostnames", () => {
  test("lists of one length with other hostnames differ; order, case, duplicates and a trailing dot do not", () => {
    expect(sameHostnames(["a.example.com", "b.example.com"], ["a.example.com", "c.example.com"])).toBe(false);
    expect(sameHostnames(["b.example.com", "a.example.com"], ["A.example.com.", "b.example.com", "b.example.com"])).toBe(true);
    expect(sameHostnames(["a.example.com"], ["a.example.com", "b.example.com"])).toBe(false);
  });
});

describe("isMtlsCertificateId", () => {
  const hex32 = "0123456789abcdef0123456789abcdef";
  const uuid = "7a1b6c7d-1b2c-4d5e-8f90-a1b2c3d4e5f6";
  const groups = uuid.split("-");
  /** The UUID with group `index` changed by `change`. */
  const withGroup = (index: number, change: (group: string) => string) =>
    groups.map((group, at) => (at === index ? change(group) : group)).join("-");

  test.each([hex32, uuid])("accepts %s", (id) => {
    expect(isMtlsCertificateId(id)).toBe(true);
  });

  test.each([
    ["31 hex characters", hex32.slice(1)],
    ["33 hex characters", `${hex32}0`],
    ["a character before the 32", `x${hex32}`],
    ["a character after the 32", `${hex32}x`],
    ["32 characters that are not hex", "g".repeat(32)],
    ["a character before the UUID", `x${uuid}`],
    ["a character after the UUID", `${uuid}x`],
    ...groups.map((_, index) => [`a UUID whose group ${index + 1} is one shorter`, withGroup(index, (group) => group.slice(1))]),
    ...groups.map((_, index) => [`a UUID whose group ${index + 1} is not hex`, withGroup(index, (group) => group.replace(/./g, "g"))]),
  ])("refuses %s", (_name, id) => {
    expect(isMtlsCertificateId(id)).toBe(false);
  });
});
