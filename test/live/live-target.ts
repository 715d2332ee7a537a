import { hideProperty } from "../../provider/hidden-property";
import { describeInvalidId } from "../../provider/identifiers";
import { DEFAULT_BASE_URL } from "../../provider/credentials";

/**
 * Every certificate the live suite issues has a common name starting with this, so that
 * `npm run sweep:live` can find leftovers and nobody mistakes them for real clients.
 */
export const LIVE_COMMON_NAME_PREFIX = "pulumi-mtls-live-";

/**
 * The API and zone a live run talks to. The token is held off enumerable properties, so printing or
 * serialising a target (or a report that embeds one by mistake) never shows it.
 */
export class LiveTarget {
  declare readonly token: string;

  constructor(
    readonly baseUrl: string,
    token: string,
    readonly zoneId: string,
  ) {
    hideProperty(this, "token", token);
  }

  /** The API as a report may name it: the real Cloudflare API, or the host of another base URL. */
  describe(): string {
    const url = new URL(this.baseUrl);
    return this.baseUrl.replace(/\/+$/, "") === DEFAULT_BASE_URL
      ? "Cloudflare (api.cloudflare.com)"
      : `${url.protocol}//${url.host}${url.pathname}`;
  }
}

/** A target, or why the live suite cannot run (a skip), or a setting that is wrong (a failure). */
export type TargetResolution = { target: LiveTarget } | { skip: string } | { error: string };

/** Reads `CLOUDFLARE_API_TOKEN`, `CLOUDFLARE_ZONE_ID` and `CLOUDFLARE_BASE_URL`. */
export function targetFromEnvironment(env: NodeJS.ProcessEnv = process.env): TargetResolution {
  const token = env["CLOUDFLARE_API_TOKEN"]?.trim() ?? "";
  const zoneId = env["CLOUDFLARE_ZONE_ID"]?.trim() ?? "";
  const missing = [token === "" ? "CLOUDFLARE_API_TOKEN" : undefined, zoneId === "" ? "CLOUDFLARE_ZONE_ID" : undefined].filter(
    (name) => name !== undefined,
  );
  if (missing.length > 0) {
    return {
      skip:
        `${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not set. The live suite issues and revokes real client ` +
        'certificates in a zone: set CLOUDFLARE_API_TOKEN ("SSL and Certificates Write" on the zone) and CLOUDFLARE_ZONE_ID, ' +
        "or run it against the local emulator with `npm run test:live -- --emulator`",
    };
  }
  const problem = describeInvalidId(zoneId);
  if (problem !== undefined) return { error: `CLOUDFLARE_ZONE_ID ${problem}` };
  const baseUrl = env["CLOUDFLARE_BASE_URL"]?.trim() || DEFAULT_BASE_URL;
  return { target: new LiveTarget(baseUrl, token, zoneId) };
}
