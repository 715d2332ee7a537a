import type { IncomingMessage } from "node:http";

/**
 * Why the admin interface must refuse this request, or undefined to serve it. The admin interface
 * has no authentication and can reset or rewrite the emulator's state, so it answers local tools
 * (curl, scripts, tests) only, never a web page:
 * - the peer must be on loopback;
 * - the Host must name loopback (`localhost`, 127.0.0.0/8 or `[::1]`, any port), so a page whose
 *   own domain was rebound to 127.0.0.1 (DNS rebinding) is refused;
 * - an `Origin` header means a browser made the request for a page (tools do not send one; the
 *   emulator serves no page of its own), and `Sec-Fetch-Site` other than `none` or `same-origin`
 *   means another site asked, even for the GETs a browser sends without `Origin`.
 */
export function adminRefusal(request: IncomingMessage, adminUrl: string): string | undefined {
  const useInstead = `Call ${adminUrl} from curl or a script, not from a web page.`;
  if (!isLoopbackAddress(request.socket.remoteAddress)) {
    return "the admin interface only answers loopback clients";
  }
  const host = request.headers.host;
  if (host === undefined || !isLoopbackHost(host)) {
    const given = host === undefined ? "no Host header" : `Host ${JSON.stringify(host)}`;
    return `the admin interface refuses a request with ${given}: it only answers requests addressed to localhost, 127.0.0.0/8 or [::1], which keeps out web pages using DNS rebinding. ${useInstead}`;
  }
  const origin = request.headers.origin;
  if (origin !== undefined) {
    return `the admin interface refuses a request with Origin ${JSON.stringify(origin)}: browsers send it for web pages, and the admin interface has no authentication. ${useInstead}`;
  }
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "none" && site !== "same-origin") {
    return `the admin interface refuses a request with Sec-Fetch-Site ${JSON.stringify(site)}: a browser made it for another site, and the admin interface has no authentication. ${useInstead}`;
  }
  return undefined;
}

function isLoopbackAddress(address: string | undefined): boolean {
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
}

/** Only literal loopback names: any other name could be resolved to 127.0.0.1 by its owner. */
function isLoopbackHost(host: string): boolean {
  const match = /^(localhost|\[::1\]|127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}))(?::\d{1,5})?$/i.exec(host);
  if (match === null) return false;
  return match.slice(2).every((octet) => octet === undefined || Number(octet) <= 255);
}
