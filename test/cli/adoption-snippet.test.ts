import ts from "typescript";
import { adoptionSnippet } from "../../provider/cli/adoption-snippet";

const zoneId = "023e105f4ecef8ad9ca31a8372d0c353";
const id = "9f2c4e0d8b7a4c1e9d3f6a5b2c1d0e9f";

describe("adoptionSnippet", () => {
  test("keeps a hostile common name inside its comment line: no code of the API's reaches the program", () => {
    const snippet = adoptionSnippet(
      zoneId,
      [
        {
          id,
          validityDays: 365,
          commonName: 'x\nrequire("child_process").execSync("touch /tmp/pwned");\u2028//',
          csrPath: "client-certificates/9f2c.csr",
          name: { resourceName: "x-require-child-process", variableName: "xRequireChildProcess" },
        },
      ],
      "pulumi-cloudflare-mtls adopt --zone z",
    );
    const statements = ts.createSourceFile("adopted.ts", snippet, ts.ScriptTarget.ES2022).statements;
    // Two imports and one declaration; the common name is only in a comment.
    expect(statements.map((statement) => statement.kind)).toEqual([
      ts.SyntaxKind.ImportDeclaration,
      ts.SyntaxKind.ImportDeclaration,
      ts.SyntaxKind.VariableStatement,
    ]);
    expect(snippet).toContain('// CN=x?require("child_process").execSync("touch /tmp/pwned");?//');
  });
});
