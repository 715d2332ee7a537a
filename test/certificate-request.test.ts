import { createPrivateKey, createPublicKey } from "node:crypto";
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { CertificateRequest } from "../provider/certificate-request";
import {
  CertificateRequestProvider,
  type CertificateRequestInputs,
  type CertificateRequestOutputs,
} from "../provider/certificate-request-provider";
import { sameSubject, type CertificateSubject } from "../provider/certificate-subject";
import { inspectCsr } from "../provider/csr";
import { UNKNOWN } from "../provider/unknown";

const provider = new CertificateRequestProvider();

// The copy the dynamic provider host itself uses to load a serialized provider.
const requireFromString = createRequire(require.resolve("@pulumi/pulumi"))("require-from-string") as (code: string) => {
  handler: () => CertificateRequestProvider;
};

describe("CertificateRequestProvider.check", () => {
  const ok: { name: string; news: Record<string, unknown>; wantKeyAlgorithm: unknown }[] = [
    {
      name: "defaults the key algorithm to RSA_2048, the one Cloudflare documents",
      news: { subject: { commonName: "api-client" } },
      wantKeyAlgorithm: "RSA_2048",
    },
    { name: "keeps a named key algorithm", news: { subject: { commonName: "c" }, keyAlgorithm: "RSA_4096" }, wantKeyAlgorithm: "RSA_4096" },
    {
      name: "accepts every subject field at its X.520 length limit, counted in characters",
      news: {
        subject: {
          commonName: "ä".repeat(64),
          organization: "o".repeat(64),
          organizationalUnit: "u".repeat(64),
          country: "DE",
          state: "s".repeat(128),
          locality: "l".repeat(128),
        },
        keyAlgorithm: "ECDSA_P384",
      },
      wantKeyAlgorithm: "ECDSA_P384",
    },
    { name: "lets an unknown subject through during preview", news: { subject: UNKNOWN }, wantKeyAlgorithm: "RSA_2048" },
    {
      name: "lets unknown subject fields through during preview",
      news: { subject: { commonName: UNKNOWN, country: UNKNOWN } },
      wantKeyAlgorithm: "RSA_2048",
    },
    {
      name: "lets an unknown key algorithm through during preview",
      news: { subject: { commonName: "c" }, keyAlgorithm: UNKNOWN },
      wantKeyAlgorithm: UNKNOWN,
    },
  ];

  test.each(ok)("$name", async ({ news, wantKeyAlgorithm }) => {
    const result = await provider.check({}, news);
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual({ subject: news["subject"], keyAlgorithm: wantKeyAlgorithm });
  });

  // The default changed from ECDSA_P256 to RSA_2048; an upgrade must not replace existing keys.
  const kept: { name: string; olds: Record<string, unknown>; news: Record<string, unknown>; wantKeyAlgorithm: string }[] = [
    {
      name: "keeps the stored algorithm of an existing resource written without one (no replacement on upgrade)",
      olds: { subject: { commonName: "c" }, keyAlgorithm: "ECDSA_P256" },
      news: { subject: { commonName: "c" } },
      wantKeyAlgorithm: "ECDSA_P256",
    },
    {
      name: "takes an algorithm named in the program over the stored one",
      olds: { subject: { commonName: "c" }, keyAlgorithm: "ECDSA_P256" },
      news: { subject: { commonName: "c" }, keyAlgorithm: "RSA_2048" },
      wantKeyAlgorithm: "RSA_2048",
    },
    {
      name: "ignores a stored value that is not an algorithm and applies the default",
      olds: { subject: { commonName: "c" }, keyAlgorithm: "DSA_1024" },
      news: { subject: { commonName: "c" } },
      wantKeyAlgorithm: "RSA_2048",
    },
  ];

  // The engine's olds of a resource being created; a hostile or older engine may send none at all.
  test.each([undefined, null, "state"])("applies the default when the old inputs are %p", async (olds) => {
    const result = await provider.check(olds, { subject: { commonName: "c" } });
    expect(result).toEqual({ inputs: { subject: { commonName: "c" }, keyAlgorithm: "RSA_2048" }, failures: [] });
  });

  test.each(kept)("$name", async ({ olds, news, wantKeyAlgorithm }) => {
    const result = await provider.check(olds, news);
    expect(result.failures).toEqual([]);
    expect(result.inputs?.keyAlgorithm).toBe(wantKeyAlgorithm);
  });

  const rejected: { name: string; news: Record<string, unknown>; want: { property: string; reason: RegExp }[] }[] = [
    {
      name: "rejects an unknown key algorithm name and lists the valid ones",
      news: { subject: { commonName: "c" }, keyAlgorithm: "RSA_1024" },
      want: [
        {
          property: "keyAlgorithm",
          reason: /^keyAlgorithm must be one of ECDSA_P256, ECDSA_P384, RSA_2048, RSA_3072, RSA_4096; leave it out for RSA_2048$/,
        },
      ],
    },
    {
      name: "rejects a key algorithm in the wrong case",
      news: { subject: { commonName: "c" }, keyAlgorithm: "ecdsa_p256" },
      want: [{ property: "keyAlgorithm", reason: /must be one of/ }],
    },
    {
      name: "requires a subject",
      news: {},
      want: [{ property: "subject", reason: /^subject must be an object with at least a commonName/ }],
    },
    {
      name: "rejects a subject given as a string",
      news: { subject: "CN=client" },
      want: [{ property: "subject", reason: /must be an object/ }],
    },
    {
      name: "requires a common name",
      news: { subject: { organization: "Example" } },
      want: [{ property: "subject.commonName", reason: /^subject.commonName is required: set it to/ }],
    },
    {
      name: "rejects an empty common name",
      news: { subject: { commonName: "" } },
      want: [{ property: "subject.commonName", reason: /must not be empty: set it to/ }],
    },
    {
      name: "rejects a common name of spaces",
      news: { subject: { commonName: "   " } },
      want: [{ property: "subject.commonName", reason: /must not be empty/ }],
    },
    {
      name: "rejects a common name over 64 characters",
      news: { subject: { commonName: "c".repeat(65) } },
      want: [{ property: "subject.commonName", reason: /is 65 characters long; X.520 allows at most 64: shorten it$/ }],
    },
    {
      name: "rejects a state over 128 characters",
      news: { subject: { commonName: "c", state: "s".repeat(129) } },
      want: [{ property: "subject.state", reason: /at most 128/ }],
    },
    ...["us", "USA", "U1", "", " US"].map((country) => ({
      name: `rejects the country ${JSON.stringify(country)}`,
      news: { subject: { commonName: "c", country } },
      want: [{ property: "subject.country", reason: /must (not be empty|be a two-letter ISO 3166-1 alpha-2 code in upper case)/ }],
    })),
    {
      name: "asks to leave out an empty optional field",
      news: { subject: { commonName: "c", organization: "" } },
      want: [{ property: "subject.organization", reason: /^subject.organization must not be empty: leave the field out instead$/ }],
    },
    {
      name: "rejects a line break inside a field and names the character",
      news: { subject: { commonName: "c", organizationalUnit: "a\nb" } },
      want: [{ property: "subject.organizationalUnit", reason: /contains the control character U\+000A: remove it/ }],
    },
    {
      name: "rejects a C1 control character",
      news: { subject: { commonName: "c", locality: "a\u0085b" } },
      want: [{ property: "subject.locality", reason: /control character U\+0085/ }],
    },
    {
      name: "rejects leading or trailing whitespace",
      news: { subject: { commonName: " api-client" } },
      want: [{ property: "subject.commonName", reason: /must not start or end with whitespace/ }],
    },
    {
      name: "rejects a field that is not a string",
      news: { subject: { commonName: "c", organization: 5 } },
      want: [{ property: "subject.organization", reason: /must be a string, not number/ }],
    },
    {
      name: "rejects a null optional field, which would reach the CSR as an empty attribute",
      news: { subject: { commonName: "c", organization: null } },
      want: [{ property: "subject.organization", reason: /^subject.organization must be a string, not null$/ }],
    },
    {
      name: "rejects a null common name",
      news: { subject: { commonName: null } },
      want: [{ property: "subject.commonName", reason: /^subject.commonName must be a string, not null$/ }],
    },
    {
      name: "rejects a subject field Cloudflare does not read and lists the supported ones",
      news: { subject: { commonName: "c", emailAddress: "a@example.com" } },
      want: [
        {
          property: "subject.emailAddress",
          reason:
            /^subject.emailAddress is not a subject field this package writes; use only country, state, locality, organization, organizationalUnit, commonName/,
        },
      ],
    },
    {
      name: "reports every problem at once",
      news: { subject: { commonName: "", country: "usa" }, keyAlgorithm: "DSA" },
      want: [
        { property: "subject.country", reason: /two-letter/ },
        { property: "subject.commonName", reason: /must not be empty/ },
        { property: "keyAlgorithm", reason: /must be one of/ },
      ],
    },
  ];

  test.each(rejected)("$name", async ({ news, want }) => {
    const result = await provider.check({}, news);
    expect(result.failures).toEqual(want.map(({ property, reason }) => ({ property, reason: expect.stringMatching(reason) })));
  });
});

describe("CertificateRequestProvider.diff", () => {
  const subject = { commonName: "api-client", organization: "Example" };
  const stored: CertificateRequestOutputs = {
    subject,
    keyAlgorithm: "ECDSA_P256",
    csrPem: "csr",
    privateKeyPem: "key",
    publicKeyPem: "public key",
    publicKeyFingerprintSha256: "fingerprint",
  };
  const cases: { name: string; olds?: Record<string, unknown>; news: Record<string, unknown>; want: pulumi.dynamic.DiffResult }[] = [
    {
      name: "reports no change for the same inputs",
      news: { subject, keyAlgorithm: "ECDSA_P256" },
      want: { changes: false, replaces: [] },
    },
    {
      name: "ignores a new serialized provider in the old state",
      olds: { __provider: "exports.handler = () => ({})" },
      news: { subject, keyAlgorithm: "ECDSA_P256", __provider: "exports.handler = () => ({ changed: true })" },
      want: { changes: false, replaces: [] },
    },
    {
      name: "ignores the order of subject fields",
      news: { subject: { organization: "Example", commonName: "api-client" }, keyAlgorithm: "ECDSA_P256" },
      want: { changes: false, replaces: [] },
    },
    {
      name: "replaces on a new common name",
      news: { subject: { ...subject, commonName: "other" }, keyAlgorithm: "ECDSA_P256" },
      want: { changes: true, replaces: ["subject"] },
    },
    {
      name: "replaces when a subject field is added",
      news: { subject: { ...subject, country: "US" }, keyAlgorithm: "ECDSA_P256" },
      want: { changes: true, replaces: ["subject"] },
    },
    {
      name: "replaces when a subject field is removed",
      news: { subject: { commonName: "api-client" }, keyAlgorithm: "ECDSA_P256" },
      want: { changes: true, replaces: ["subject"] },
    },
    {
      name: "replaces on a new key algorithm",
      news: { subject, keyAlgorithm: "RSA_2048" },
      want: { changes: true, replaces: ["keyAlgorithm"] },
    },
    {
      name: "names both properties when both change",
      news: { subject: { commonName: "other" }, keyAlgorithm: "RSA_2048" },
      want: { changes: true, replaces: ["subject", "keyAlgorithm"] },
    },
    {
      name: "replaces when the new subject is unknown during preview",
      news: { subject: UNKNOWN, keyAlgorithm: "ECDSA_P256" },
      want: { changes: true, replaces: ["subject"] },
    },
  ];

  test.each(cases)("$name", async ({ olds, news, want }) => {
    const result = await provider.diff("fingerprint", { ...stored, ...olds }, news as unknown as CertificateRequestInputs);
    expect(result).toEqual(want);
  });
});

describe("sameSubject", () => {
  const subject = { commonName: "api-client" };

  test("compares every field, whatever the order", () => {
    expect(sameSubject({ ...subject, organization: "Example" }, { organization: "Example", ...subject })).toBe(true);
    expect(sameSubject(subject, { ...subject, locality: "Berlin" })).toBe(false);
  });

  // Field by field, an unknown value (a string) has no fields: only the guard keeps it from equalling
  // a subject without fields, or another unknown value.
  test.each([
    { name: "two unknown subjects", a: UNKNOWN, b: UNKNOWN },
    { name: "a subject and an unknown one", a: subject, b: UNKNOWN },
    { name: "an unknown subject and one without fields", a: UNKNOWN, b: {} },
    { name: "a subject without fields and an unknown one", a: {}, b: UNKNOWN },
  ])("an unknown subject equals none: $name differ", ({ a, b }) => {
    expect(sameSubject(a as CertificateSubject, b as CertificateSubject)).toBe(false);
  });
});

describe("CertificateRequestProvider lifecycle", () => {
  const news = { subject: { commonName: "api-client.example.com", organization: "Example", country: "US" } };
  let inputs: CertificateRequestInputs;
  let created: pulumi.dynamic.CreateResult<CertificateRequestOutputs>;
  let outs: CertificateRequestOutputs;

  beforeAll(async () => {
    const checked = await provider.check({}, news);
    if (checked.inputs === undefined) throw new Error("check returned no inputs");
    inputs = checked.inputs;
    created = await provider.create(inputs);
    if (created.outs === undefined) throw new Error("create returned no outputs");
    outs = created.outs;
  });

  test("create returns a CSR for the checked inputs, with the key fingerprint as id", async () => {
    expect(outs.subject).toEqual(news.subject);
    expect(outs.keyAlgorithm).toBe("RSA_2048");
    expect(created.id).toBe(outs.publicKeyFingerprintSha256);
    const facts = await inspectCsr(outs.csrPem);
    expect(facts.subject).toBe("C=US, O=Example, CN=api-client.example.com");
    expect(facts.keyDescription).toBe("RSA 2048");
    expect(facts.publicKeySha256).toBe(outs.publicKeyFingerprintSha256);
  });

  test("create returns the private key of the public key in the CSR", () => {
    const derived = createPublicKey(createPrivateKey(outs.privateKeyPem)).export({ type: "spki", format: "pem" });
    expect(derived).toBe(outs.publicKeyPem);
  });

  test("a second create makes a different key, while diff of the same inputs reports no change", async () => {
    const again = await provider.create(inputs);
    expect(again.id).not.toBe(created.id);
    expect(again.outs?.privateKeyPem).not.toBe(outs.privateKeyPem);
    const rechecked = await provider.check(inputs, news);
    expect(
      await provider.diff(
        created.id,
        { ...outs, __provider: "serialized" } as CertificateRequestOutputs,
        rechecked.inputs as CertificateRequestInputs,
      ),
    ).toEqual({ changes: false, replaces: [] });
  });

  test("read returns the stored outputs unchanged, so a refresh changes nothing", async () => {
    const result = await provider.read(created.id, { ...outs, __provider: "serialized" } as CertificateRequestOutputs);
    expect(result).toEqual({ id: created.id, props: outs });
  });

  test("read without stored state reports the resource as gone, since a key cannot be read back", async () => {
    expect(await provider.read(created.id)).toEqual({});
  });

  test("read of a state that holds no key (only the serialized provider) reports the resource as gone", async () => {
    expect(await provider.read(created.id, { __provider: "serialized" } as unknown as CertificateRequestOutputs)).toEqual({});
  });

  test("update keeps the stored key and CSR", async () => {
    const result = await provider.update(created.id, { ...outs, __provider: "serialized" } as CertificateRequestOutputs);
    expect(result).toEqual({ outs });
  });

  test("no check failure shows key material, even with a stored key in the old state", async () => {
    const result = await provider.check(
      { ...outs },
      { subject: { commonName: "", country: "usa", organization: outs.privateKeyPem }, keyAlgorithm: outs.privateKeyPem },
    );
    const messages = JSON.stringify(result.failures);
    expect(result.failures?.length).toBeGreaterThan(0);
    for (const line of outs.privateKeyPem.split("\n").filter((l) => !l.startsWith("-----") && l.length > 0)) {
      expect(messages).not.toContain(line);
    }
  });
});

describe("CertificateRequest", () => {
  const registered: { type: string; secretOutputs: string[] | undefined }[] = [];
  const serializedProviders: string[] = [];
  const mockFailure = deferredFailure();
  beforeAll(async () => {
    // Plays the engine and the dynamic provider host: loads the serialized provider as cmd/dynamic-provider does.
    await pulumi.runtime.setMocks({
      async newResource({ inputs }) {
        try {
          return await hostProvider(inputs);
        } catch (error) {
          // The runtime only logs a mock's error and leaves the resource's outputs pending: fail the
          // waiting test with the cause instead of letting it run into its timeout.
          mockFailure.reject(error);
          throw error;
        }
      },
      call: () => ({}),
    });
  });

  async function hostProvider(inputs: Record<string, unknown>): Promise<{ id: string; state: Record<string, unknown> }> {
    const serialized = inputs["__provider"] as string;
    serializedProviders.push(serialized);
    const hosted = requireFromString(serialized).handler();
    const checked = await hosted.check({}, inputs);
    if (checked.failures?.length) throw new Error(JSON.stringify(checked.failures));
    const created = await hosted.create(checked.inputs as CertificateRequestInputs);
    return { id: created.id, state: { ...created.outs } };
  }

  // Transformations see the options the resource passes to the engine, secret outputs included.
  function recordRegistration(args: pulumi.ResourceTransformationArgs): undefined {
    const opts = args.opts as pulumi.CustomResourceOptions;
    registered.push({ type: args.type, secretOutputs: opts.additionalSecretOutputs });
    return undefined;
  }

  function settled<T>(output: pulumi.Output<T>): Promise<T> {
    return Promise.race([new Promise<T>((resolve) => output.apply(resolve)), mockFailure.promise]);
  }

  test("registers as a dynamic cloudflare-mtls resource with privateKeyPem secret, keeping the caller's secret outputs", async () => {
    const request = new CertificateRequest(
      "with-options",
      // ECDSA: the mock engine creates the key, and an RSA key takes seconds on a loaded machine.
      { subject: { commonName: "api-client" }, keyAlgorithm: "ECDSA_P256" },
      { additionalSecretOutputs: ["csrPem"], transformations: [recordRegistration] },
    );
    await settled(request.urn);
    expect(registered.at(-1)).toMatchObject({
      type: "pulumi-nodejs:dynamic/cloudflare-mtls:CertificateRequest",
      secretOutputs: ["csrPem", "privateKeyPem"],
    });
  });

  test("gets its outputs from the serialized provider, with inputs computed by other resources", async () => {
    const request = new CertificateRequest(
      "from-outputs",
      { subject: { commonName: pulumi.output("api-client.example.com"), country: Promise.resolve("US") }, keyAlgorithm: "RSA_2048" },
      { transformations: [recordRegistration] },
    );
    const [csrPem, keyAlgorithm, subject, fingerprint, id] = await Promise.all([
      settled(request.csrPem),
      settled(request.keyAlgorithm),
      settled(request.subject),
      settled(request.publicKeyFingerprintSha256),
      settled(request.id),
    ]);
    const facts = await inspectCsr(csrPem);
    expect(facts.subject).toBe("C=US, CN=api-client.example.com");
    expect(facts.keyDescription).toBe("RSA 2048");
    expect({ keyAlgorithm, subject, id }).toEqual({
      keyAlgorithm: "RSA_2048",
      subject: { commonName: "api-client.example.com", country: "US" },
      id: fingerprint,
    });
    console.log(`serialized CertificateRequestProvider under jest: ${Buffer.byteLength(serializedProviders.at(-1) ?? "")} bytes`);
  });
});

/** A promise that only ever rejects, when `reject` is called. */
function deferredFailure(): { promise: Promise<never>; reject: (error: unknown) => void } {
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<never>((_, rejectPromise) => {
    reject = rejectPromise;
  });
  // Nobody may be waiting when a mock fails; the test that waits next sees the rejection.
  promise.catch(() => undefined);
  return { promise, reject };
}
