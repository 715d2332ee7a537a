import { declarationNames } from "../../provider/cli/resource-names";

const id = (first: string) => `${first}${"0".repeat(32 - first.length)}`;

describe("declarationNames", () => {
  const cases: Array<{ name: string; commonNames: Array<string | undefined>; want: Array<[string, string]> }> = [
    { name: "a host name", commonNames: ["API.Example.com"], want: [["api-example-com", "apiExampleCom"]] },
    { name: "runs of other characters", commonNames: ["  device #12 / büro  "], want: [["device-12-b-ro", "device12BRo"]] },
    {
      name: "duplicates get suffixes",
      commonNames: ["client", "client", "client"],
      want: [
        ["client", "client"],
        ["client-2", "client2"],
        ["client-3", "client3"],
      ],
    },
    {
      name: "a name whose variable collides",
      commonNames: ["a-1", "a1"],
      want: [
        ["a-1", "a1"],
        ["a1-2", "a12"],
      ],
    },
    {
      name: "no common name",
      commonNames: [undefined, ""],
      want: [
        ["certificate-aaaaaaaa", "certificateAaaaaaaa"],
        ["certificate-bbbbbbbb", "certificateBbbbbbbb"],
      ],
    },
    { name: "nothing usable left", commonNames: ["***"], want: [["certificate-aaaaaaaa", "certificateAaaaaaaa"]] },
    { name: "a leading digit", commonNames: ["1password"], want: [["1password", "certificate1password"]] },
    { name: "a reserved word", commonNames: ["delete"], want: [["delete", "certificateDelete"]] },
    { name: "the snippet's own import", commonNames: ["fs"], want: [["fs", "certificateFs"]] },
  ];

  test.each(cases)("$name", ({ commonNames, want }) => {
    const certificates = commonNames.map((commonName, index) => ({ id: id("abcdef".charAt(index).repeat(8)), commonName }));
    expect(declarationNames(certificates).map((name) => [name.resourceName, name.variableName])).toEqual(want);
  });
});
