import * as pulumi from "@pulumi/pulumi";
import { registerAdoption } from "../provider/adoption-registry";
import { AdoptionError } from "../provider";

const id = (digit: string) => digit.repeat(32);

describe("registerAdoption", () => {
  test("fails the second resource adopting the same certificate, naming both", () => {
    registerAdoption("api-client", id("1"));
    let error: unknown;
    try {
      registerAdoption("again", id("1"));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AdoptionError);
    expect((error as Error).message).toBe(
      `ClientCertificate "again" and "api-client" both adopt client certificate ${id("1")}: a certificate can be managed by one resource only; ` +
        "remove one of the two declarations (`pulumi-cloudflare-mtls adopt` prints every certificate of the zone, those this stack already manages too)",
    );
  });

  test("lets different certificates, and resources without adoption, through", () => {
    registerAdoption("a", id("2"));
    registerAdoption("b", id("3"));
    registerAdoption("c", undefined);
    registerAdoption("d", undefined);
  });

  test("lets the same resource register again: an Automation API program runs its declarations once per operation in one process", () => {
    registerAdoption("g", id("5"));
    expect(() => registerAdoption("g", id("5"))).not.toThrow();
    expect(() => registerAdoption("h", id("5"))).toThrow(AdoptionError);
  });

  test("leaves an id given as an Output to the provider process", () => {
    registerAdoption("e", id("4"));
    expect(() => registerAdoption("f", pulumi.output(id("4")))).not.toThrow();
  });
});
