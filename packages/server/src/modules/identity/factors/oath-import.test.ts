import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { duplicateSerials, parseCsvSeeds, parsePskcSeeds } from "./oath-import.ts";
import { checkTotp } from "./otp.ts";

const RFC_SEED_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"; // "12345678901234567890"
const RFC_SEED_HEX = "3132333435363738393031323334353637383930";

describe("hardware token seed files", () => {
  test("CSV: base32 and hex secrets, per-token digits/period/algorithm, header and comments skipped", () => {
    const { seeds, problems } = parseCsvSeeds(
      [
        "serial,secret,digits,period,algorithm",
        "# first delivery",
        `tk-0001,${RFC_SEED_BASE32},6,30`,
        `TK-0002,${RFC_SEED_HEX},8,60,HMAC-SHA256`,
        "",
      ].join("\n"),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      seeds.map((s) => [s.line, s.serial, s.digits, s.period, s.algorithm, Buffer.from(s.secret).toString()]),
      [
        [3, "TK-0001", 6, 30, "SHA1", "12345678901234567890"],
        [4, "TK-0002", 8, 60, "SHA256", "12345678901234567890"],
      ],
    );
    // the imported seed yields the RFC 6238 code
    assert.equal(checkTotp({ ...seeds[0], digits: 8 }, "94287082", new Date(59_000), null).ok, true);
  });

  test("CSV: every problem is reported with its line", () => {
    const { seeds, problems } = parseCsvSeeds(
      [
        "TK-1,ABCDEF234567ABCDEF234567ABCDEF23,6,30",
        "TK-2,GEZDGNBV,6,30",
        `TK-3,${RFC_SEED_BASE32},7,30`,
        `TK-4,${RFC_SEED_BASE32},6,45`,
        `TK-5,${RFC_SEED_BASE32},6,30,MD5`,
        "TK-6,not a secret!,6,30",
        "just,three,cells",
        `bad serial,${RFC_SEED_BASE32},6,30`,
        `TK-7,hex:${RFC_SEED_HEX},6,30`,
      ].join("\n"),
    );
    const byLine = new Map(problems.map((p) => [p.line, p.problem]));
    assert.match(byLine.get(1)!, /hex or base32: prefix/);
    assert.match(byLine.get(2)!, /40 bits; at least 128/);
    assert.match(byLine.get(3)!, /digits must be 6 or 8/);
    assert.match(byLine.get(4)!, /period must be 30 or 60/);
    assert.match(byLine.get(5)!, /algorithm/);
    assert.match(byLine.get(6)!, /neither hex nor base32/);
    assert.match(byLine.get(7)!, /expected serial,secret/);
    assert.match(byLine.get(8)!, /serial must be/);
    assert.deepEqual(
      seeds.map((s) => s.serial),
      ["TK-7"],
    );
  });

  test("duplicate serials in one file are reported", () => {
    const { seeds } = parseCsvSeeds(`A1,${RFC_SEED_BASE32},6,30\na1,${RFC_SEED_BASE32},6,30`);
    assert.deepEqual(duplicateSerials(seeds), [
      { line: 2, serial: "A1", problem: "serial repeated (first on line 1)" },
    ]);
  });

  const pskc = (key: string, extra = "") => `<?xml version="1.0" encoding="UTF-8"?>
<pskc:KeyContainer Version="1.0" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc">
  ${extra}
  <pskc:KeyPackage>
    <pskc:DeviceInfo><pskc:Manufacturer>Token &amp; Co</pskc:Manufacturer><pskc:SerialNo>987654321</pskc:SerialNo></pskc:DeviceInfo>
    ${key}
  </pskc:KeyPackage>
</pskc:KeyContainer>`;

  test("PSKC (RFC 6030) with a plaintext TOTP secret", () => {
    const { seeds, problems } = parsePskcSeeds(
      pskc(`<pskc:Key Id="12345678" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp">
      <!-- a comment -->
      <pskc:AlgorithmParameters><pskc:ResponseFormat Length="8" Encoding="DECIMAL"/></pskc:AlgorithmParameters>
      <pskc:Data>
        <pskc:Secret><pskc:PlainValue>MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=</pskc:PlainValue></pskc:Secret>
        <pskc:TimeInterval><pskc:PlainValue>30</pskc:PlainValue></pskc:TimeInterval>
      </pskc:Data>
    </pskc:Key>`),
    );
    assert.deepEqual(problems, []);
    assert.equal(seeds.length, 1);
    assert.equal(seeds[0].serial, "987654321");
    assert.equal(seeds[0].digits, 8);
    assert.equal(seeds[0].period, 30);
    assert.equal(checkTotp(seeds[0], "94287082", new Date(59_000), null).ok, true);
  });

  test("PSKC: encrypted files, HOTP keys, DOCTYPEs and broken XML are refused with a reason", () => {
    const encrypted = parsePskcSeeds(
      pskc(
        `<pskc:Key Id="1" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp"><pskc:Data><pskc:Secret><pskc:EncryptedValue/></pskc:Secret></pskc:Data></pskc:Key>`,
        `<pskc:EncryptionKey><ds:KeyName xmlns:ds="http://www.w3.org/2000/09/xmldsig#">Pre-shared-key</ds:KeyName></pskc:EncryptionKey>`,
      ),
    );
    assert.equal(encrypted.seeds.length, 0);
    assert.match(encrypted.problems[0].problem, /encrypted/);
    const hotp = parsePskcSeeds(
      pskc(`<pskc:Key Id="1" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp"/>`),
    );
    assert.match(hotp.problems[0].problem, /only TOTP keys/);
    const doctype = parsePskcSeeds(`<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><KeyContainer/>`);
    assert.match(doctype.problems[0].problem, /DOCTYPE/);
    const broken = parsePskcSeeds("<KeyContainer><KeyPackage></KeyContainer>");
    assert.match(broken.problems[0].problem, /not a readable PSKC file/);
  });
});
