// @peculiar/x509 needs the Reflect metadata API (its DI container uses it) before it loads.
import "reflect-metadata";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { isIP } from "node:net";
import * as path from "node:path";
import * as x509 from "@peculiar/x509";

type CryptoKey = crypto.webcrypto.CryptoKey;
type CryptoKeyPair = crypto.webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(crypto.webcrypto);

const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const subtle = crypto.webcrypto.subtle;
const DAY = 86_400_000;

export interface ServerCredentials {
  caPem: string;
  caFile: string;
  certPem: string;
  keyPem: string;
}

const keyPem = async (key: CryptoKey) =>
  x509.PemConverter.encode(await subtle.exportKey("pkcs8", key), "PRIVATE KEY");
const serial = () =>
  crypto
    .randomBytes(8)
    .toString("hex")
    .replace(/^[89a-f]/, "1");

/** The CA: reused from `stateDir` (so clients keep trusting it across restarts) or generated there. */
async function loadOrCreateCa(stateDir: string): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> {
  const certFile = path.join(stateDir, "ca.pem");
  const keyFile = path.join(stateDir, "ca-key.pem");
  if (fs.existsSync(certFile) && fs.existsSync(keyFile)) {
    const der = x509.PemConverter.decodeFirst(fs.readFileSync(keyFile, "utf8"));
    const key = await subtle.importKey("pkcs8", der, alg, true, ["sign"]);
    return { cert: new x509.X509Certificate(fs.readFileSync(certFile, "utf8")), key };
  }
  const keys = (await subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "CN=Puppet CA: pe-orchestrator-emulator",
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  fs.writeFileSync(keyFile, await keyPem(keys.privateKey), { mode: 0o600 });
  fs.writeFileSync(certFile, cert.toString("pem"));
  return { cert, key: keys.privateKey };
}

/** A CA (ECDSA P-256) and a fresh server certificate for `host`, localhost, 127.0.0.1 and ::1. */
export async function serverCredentials(stateDir: string, host: string): Promise<ServerCredentials> {
  const ca = await loadOrCreateCa(stateDir);
  const keys = (await subtle.generateKey(alg, true, ["sign", "verify"])) as CryptoKeyPair;
  const names = new Set(["localhost", "127.0.0.1", "::1", host]);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${isIP(host) ? "localhost" : host}`,
    issuer: ca.cert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        [...names]
          .filter((n) => n !== "0.0.0.0" && n !== "::")
          .map((n) => ({ type: isIP(n) ? "ip" : "dns", value: n })),
      ),
    ],
  });
  return {
    caPem: ca.cert.toString("pem"),
    caFile: path.join(stateDir, "ca.pem"),
    certPem: cert.toString("pem"),
    keyPem: await keyPem(keys.privateKey),
  };
}
