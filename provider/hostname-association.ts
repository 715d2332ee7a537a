import * as pulumi from "@pulumi/pulumi";
import provider from "./hostname-association-provider-reference";

/** Arguments of a {@link HostnameAssociation}. */
export interface HostnameAssociationArgs {
  /** The zone the hostnames belong to: 32 lowercase hex characters. Changing it replaces the resource. */
  zoneId: pulumi.Input<string>;
  /**
   * Fully qualified hostnames that must ask for a client certificate, e.g. `["api.example.com"]`.
   * A set: order, case, duplicates and a trailing dot never cause a diff. Changes apply in place.
   */
  hostnames: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The BYO CA (an uploaded mTLS certificate) whose certificates the hostnames accept. Changing it replaces the resource.
   * @default undefined (the zone's Cloudflare managed CA, which signs {@link ClientCertificate}s)
   */
  mtlsCertificateId?: pulumi.Input<string>;
  /**
   * Own the CA's whole list: hostnames associated by anyone else (another stack, the dashboard) are
   * removed on `up` and shown as `unexpectedHostnames` by refresh; destroy empties the list.
   * @default false (manage only this resource's hostnames; others' are never touched)
   */
  exclusive?: pulumi.Input<boolean>;
}

/**
 * Associates hostnames with a CA, so Cloudflare asks clients of those hostnames for a certificate
 * (step 2 of mTLS; enforce it with a WAF rule, see {@link mtlsRuleExpression}).
 *
 * By default the resource manages only its own hostnames: several resources, stacks and the
 * dashboard can share one CA's list. Every write is read back to confirm it.
 *
 * @example
 * ```ts
 * const association = new HostnameAssociation("api", {
 *   zoneId,
 *   hostnames: ["api.example.com", "admin.example.com"],
 * });
 * ```
 */
export class HostnameAssociation extends pulumi.dynamic.Resource {
  declare readonly zoneId: pulumi.Output<string>;
  declare readonly mtlsCertificateId: pulumi.Output<string | undefined>;
  declare readonly exclusive: pulumi.Output<boolean>;
  /** This resource's hostnames found associated at the last create, update or refresh; sorted, lower case. */
  declare readonly hostnames: pulumi.Output<string[]>;
  /** This resource's hostnames that refresh found missing (removed out of band); the next `up` restores them. */
  declare readonly missingHostnames: pulumi.Output<string[]>;
  /** With `exclusive`: others' hostnames that refresh found associated; the next `up` removes them. */
  declare readonly unexpectedHostnames: pulumi.Output<string[]>;
  /** Every hostname associated with the CA, this resource's and others', as last read. */
  declare readonly associatedHostnames: pulumi.Output<string[]>;

  constructor(name: string, args: HostnameAssociationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        missingHostnames: undefined,
        unexpectedHostnames: undefined,
        associatedHostnames: undefined,
        zoneId: args.zoneId,
        hostnames: args.hostnames,
        mtlsCertificateId: args.mtlsCertificateId,
        exclusive: args.exclusive,
      },
      opts,
      "cloudflare-mtls",
      "HostnameAssociation",
    );
  }
}
