/** Certificates used for SPEKE content key encryption and TLS: RSA of at least minRsaBits (2048). */
import { X509Certificate } from "node:crypto";
import { isAwsType } from "./inspect";
import type { RuleDefinition, RuleFinding } from "./types";

export const certificateRsa2048: RuleDefinition = {
  name: "keyplane-certificate-rsa-2048",
  description:
    "ACM certificates (requested via keyAlgorithm or imported via certificateBody) use RSA keys of at least minRsaBits (default 2048; SPEKE content key encryption requires 2048-bit RSA). ECDSA is refused unless allowEcdsaCertificates.",
  enforcementLevel: "mandatory",
  configKeys: ["minRsaBits", "allowEcdsaCertificates"],
  check: (resource, config) => {
    if (!isAwsType(resource.type, "acm", "Certificate")) return [];
    const out: RuleFinding[] = [];
    const algo = resource.props.keyAlgorithm;
    if (typeof algo === "string") {
      const rsa = /^RSA_(\d+)$/.exec(algo);
      if (rsa) {
        if (Number(rsa[1]) < config.minRsaBits)
          out.push({ path: "keyAlgorithm", message: `${algo} is below the ${config.minRsaBits}-bit RSA minimum` });
      } else if (!config.allowEcdsaCertificates) {
        out.push({
          path: "keyAlgorithm",
          message: `${algo} is not RSA; SPEKE content key encryption needs RSA ${config.minRsaBits} or larger`,
        });
      }
    }
    const body = resource.props.certificateBody;
    if (typeof body === "string" && body.includes("BEGIN CERTIFICATE")) {
      try {
        const key = new X509Certificate(body).publicKey;
        const bits = key.asymmetricKeyDetails?.modulusLength;
        if (key.asymmetricKeyType === "rsa" || key.asymmetricKeyType === "rsa-pss") {
          if ((bits ?? 0) < config.minRsaBits)
            out.push({
              path: "certificateBody",
              message: `imported certificate has a ${bits ?? 0}-bit RSA key; at least ${config.minRsaBits} bits are required`,
            });
        } else if (!config.allowEcdsaCertificates) {
          out.push({
            path: "certificateBody",
            message: `imported certificate has a ${key.asymmetricKeyType ?? "unknown"} key; RSA ${config.minRsaBits} or larger is required`,
          });
        }
      } catch {
        out.push({ path: "certificateBody", message: "imported certificate body is not a parseable PEM certificate" });
      }
    }
    return out;
  },
};
