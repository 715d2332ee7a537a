import { describeInvalidId, isCloudflareId } from "../provider/identifiers";

const id = "023e105f4ecef8ad9ca31a8372d0c353";

test.each([
  ["32 lowercase hex characters", id, true],
  ["a character before them", `x${id}`, false],
  ["a character after them", `${id}x`, false],
  ["upper case", id.toUpperCase(), false],
  ["a path", `../${id}`, false],
])("isCloudflareId: %s -> %s", (_name, value, want) => {
  expect(isCloudflareId(value)).toBe(want);
});

test.each([
  [null, "must be a string, got null"],
  [7, "must be a string, got number"],
  ["", "must not be empty"],
  [id.toUpperCase(), "must be lowercase hex (Cloudflare identifiers are lowercase)"],
  [
    "a",
    'must be 32 lowercase hex characters (got 1 character); copy it from the Cloudflare dashboard (zone Overview, "Zone ID") or the API',
  ],
  [
    `${id}0`,
    'must be 32 lowercase hex characters (got 33 characters); copy it from the Cloudflare dashboard (zone Overview, "Zone ID") or the API',
  ],
])("describeInvalidId(%j)", (value, want) => {
  expect(describeInvalidId(value)).toBe(want);
});
