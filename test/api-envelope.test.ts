import { describeBody, MAX_API_MESSAGE_LENGTH, MAX_API_MESSAGES, normalizeMessages, parseEnvelope } from "../provider/api-envelope";

describe("parseEnvelope", () => {
  const notEnvelopes: Array<{ name: string; body: string }> = [
    { name: "HTML", body: "<html>502 Bad Gateway</html>" },
    { name: "an empty body", body: "" },
    { name: "null", body: "null" },
    { name: "an array", body: '[{"success":true}]' },
    { name: "success as a string", body: '{"success":"true","result":{}}' },
  ];
  test.each(notEnvelopes)("does not take $name for an envelope", ({ body }) => {
    expect(parseEnvelope(body)).toBeUndefined();
  });

  test("keeps result and result_info as sent and fills missing lists", () => {
    expect(parseEnvelope(JSON.stringify({ success: true, result: [1], result_info: { page: 1 } }))).toEqual({
      success: true,
      errors: [],
      messages: [],
      result: [1],
      result_info: { page: 1 },
    });
  });

  test("normalises errors and messages each from its own field", () => {
    const body = JSON.stringify({
      success: false,
      errors: [{ code: 1, message: "e" }],
      messages: [{ code: 2, message: "m" }],
      result: null,
    });
    expect(parseEnvelope(body)).toEqual({
      success: false,
      errors: [{ code: 1, message: "e" }],
      messages: [{ code: 2, message: "m" }],
      result: null,
    });
  });
});

describe("describeBody", () => {
  test("names an empty body", () => {
    expect(describeBody("")).toBe("empty body");
  });

  test("shows 60 characters, marking the cut only when there is more", () => {
    expect(describeBody("a".repeat(60))).toBe(`starts with "${"a".repeat(60)}"`);
    expect(describeBody("b".repeat(61))).toBe(`starts with "${"b".repeat(60)}"…`);
  });

  test("replaces what is not printable ASCII with ?", () => {
    expect(describeBody("<p>\u00e9\n\u0000</p>")).toBe('starts with "<p>???</p>"');
  });
});

describe("normalizeMessages (regression: errors: [null] made error mapping throw a TypeError)", () => {
  const cases: Array<{ name: string; input: unknown; want: Array<{ code: number; message: string }> }> = [
    { name: "null entries", input: [null], want: [{ code: 0, message: "(an error entry that is not an object: null)" }] },
    {
      name: "numbers and arrays",
      input: [7, []],
      want: [
        { code: 0, message: "(an error entry that is not an object: number)" },
        { code: 0, message: "(an error entry that is not an object: array)" },
      ],
    },
    { name: "a bare string", input: ["boom"], want: [{ code: 0, message: "boom" }] },
    { name: "a code given as text", input: [{ code: "1415", message: "gone" }], want: [{ code: 0, message: "gone" }] },
    {
      name: "a message that is an object",
      input: [{ code: 1415, message: { text: "gone" } }],
      want: [{ code: 1415, message: "(no message)" }],
    },
    { name: "a fractional code", input: [{ code: 1.5, message: "odd" }], want: [{ code: 0, message: "odd" }] },
    {
      name: "control characters that could forge log lines",
      input: [{ code: 1, message: "a\nERROR fake\r\u001b[31m" }],
      want: [{ code: 1, message: "a ERROR fake  [31m" }],
    },
    { name: "not a list", input: { code: 1 }, want: [] },
  ];
  test.each(cases)("normalises $name", ({ input, want }) => {
    expect(normalizeMessages(input)).toEqual(want);
  });

  test(`keeps ${MAX_API_MESSAGES} entries and a message of ${MAX_API_MESSAGE_LENGTH} characters whole`, () => {
    const exactly = Array.from({ length: MAX_API_MESSAGES }, () => ({ code: 1000, message: "y".repeat(MAX_API_MESSAGE_LENGTH) }));
    const normalized = normalizeMessages(exactly);
    expect(normalized).toHaveLength(MAX_API_MESSAGES);
    expect(normalized[0]?.message).toBe("y".repeat(MAX_API_MESSAGE_LENGTH));
  });

  test(`keeps at most ${MAX_API_MESSAGES} entries and ${MAX_API_MESSAGE_LENGTH} characters of each`, () => {
    const many = Array.from({ length: 10_000 }, () => ({ code: 1000, message: "x".repeat(10_000) }));
    const normalized = normalizeMessages(many);
    expect(normalized).toHaveLength(MAX_API_MESSAGES + 1);
    expect(normalized[0]?.message).toHaveLength(MAX_API_MESSAGE_LENGTH + 1);
    expect(normalized[MAX_API_MESSAGES]).toEqual({ code: 0, message: `(${10_000 - MAX_API_MESSAGES} more entries not shown)` });
  });
});
