import type { ClientCertificateResource, Emulator, Envelope } from "../../emulator";

export interface ApiCall {
  /** @default "GET" */
  readonly method?: string;
  /** Path below the base URL, e.g. `/zones/<id>/client_certificates?page=2`. */
  readonly path: string;
  /** An object is sent as JSON; a string is sent as is. */
  readonly body?: unknown;
  /** Which credentials to send. @default "token" (the emulator's own) */
  readonly auth?: "token" | "none" | { readonly token: string } | { readonly apiKey: string; readonly email: string };
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ApiReply<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed envelope; throws on access if the body was not JSON. */
  readonly envelope: Envelope<T>;
}

/** One raw HTTP call to the emulator's API, for tests that need to see exactly what goes over the wire. */
export async function callApi<T = ClientCertificateResource>(emulator: Emulator, call: ApiCall): Promise<ApiReply<T>> {
  const headers: Record<string, string> = { ...authHeaders(emulator, call.auth ?? "token"), ...call.headers };
  let body: string | undefined;
  if (typeof call.body === "string") {
    body = call.body;
  } else if (call.body !== undefined) {
    body = JSON.stringify(call.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${emulator.baseUrl}${call.path}`, {
    method: call.method ?? "GET",
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    get envelope() {
      return JSON.parse(text) as Envelope<T>;
    },
  };
}

function authHeaders(emulator: Emulator, auth: NonNullable<ApiCall["auth"]>): Record<string, string> {
  if (auth === "none") return {};
  if (auth === "token") return { authorization: `Bearer ${emulator.token}` };
  if ("token" in auth) return { authorization: `Bearer ${auth.token}` };
  return { "x-auth-key": auth.apiKey, "x-auth-email": auth.email };
}
