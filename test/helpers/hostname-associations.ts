import type { ServerResponse } from "node:http";
import { HostnameAssociationProvider } from "../../provider/hostname-association-provider";
import { HostnameAssociationsClient } from "../../provider/hostname-associations-client";
import { sendEnvelope, type ReceivedRequest, type ScriptedApi } from "./scripted-api";

/** A provider for `api` that retries once and never waits, between attempts or between lost writes. */
export function hostnameProviderFor(api: ScriptedApi): HostnameAssociationProvider {
  return new HostnameAssociationProvider({
    client: {
      connection: { credentials: { apiToken: "test-token" }, baseUrl: api.baseUrl },
      retry: { maxRetries: 1 },
      sleep: async () => undefined,
    },
    sync: { sleep: async () => undefined },
  });
}

/** A hostname associations client for `api` with the default retry settings. */
export function hostnameClientFor(api: ScriptedApi): HostnameAssociationsClient {
  return new HostnameAssociationsClient({ connection: { credentials: { apiToken: "test-token" }, baseUrl: api.baseUrl } });
}

/**
 * A CA's list as the API keeps it: PUT replaces it, then `interfere` (another writer) may change what
 * was written; GET returns it. `stored()` is the list as it stands.
 */
export function storedHostnameList(
  initial: string[] = [],
  interfere: (written: string[]) => string[] = (written) => written,
): { script: (request: ReceivedRequest, response: ServerResponse) => void; stored: () => string[] } {
  let stored = initial;
  return {
    script: (request, response) => {
      if (request.method === "PUT") stored = interfere((request.body as { hostnames: string[] }).hostnames);
      sendEnvelope(response, 200, { result: { hostnames: stored } });
    },
    stored: () => stored,
  };
}
