import { join } from "node:path";
import { repositoryRoot } from "../demo/repository-root";
import { copyBuiltPackage } from "./copy-built-package";

// Run by `npm run build`: the repository's own Pulumi programs (examples/, the demo) each have a
// package.json of their own, so `pulumi-cloudflare-mtls` resolves for them from node_modules, as in a
// user's project, and their state holds a `require()` of the provider (about 320 bytes per resource)
// instead of its inlined code.
const repository = repositoryRoot(__dirname);
copyBuiltPackage(repository, join(repository, "node_modules"));
