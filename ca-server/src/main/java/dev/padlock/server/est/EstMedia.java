package dev.padlock.server.est;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.est.AttrOrOID;
import org.bouncycastle.asn1.est.CsrAttrs;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSAbsentContent;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.util.CollectionStore;

/**
 * The bodies of RFC 7030: base64 (§4, as clarified by RFC 8951: always base64, line breaks allowed), a
 * certs-only CMS SignedData (§4.1.3, §4.2.3; built by Bouncy Castle), the CSR attributes (§4.5.2), and
 * the multipart/mixed answer of server-side key generation (§4.4.2).
 */
final class EstMedia {
  static final String PKCS10 = "application/pkcs10";
  static final String CERTS_ONLY = "application/pkcs7-mime; smime-type=certs-only";
  static final String PKCS7 = "application/pkcs7-mime";
  static final String CSRATTRS = "application/csrattrs";
  static final String PKCS8 = "application/pkcs8";
  static final String CTE = "Content-Transfer-Encoding";

  private EstMedia() {}

  /** Strict base64 with any whitespace (line breaks) ignored. */
  static byte[] decodeBase64(byte[] body) {
    StringBuilder sb = new StringBuilder(body.length);
    for (byte b : body) {
      if (b != ' ' && b != '\r' && b != '\n' && b != '\t') {
        sb.append((char) (b & 0xff));
      }
    }
    if (sb.length() == 0) {
      throw new PadlockException(ErrorCode.MALFORMED_CSR, "the request body is empty: send a base64-encoded "
          + "DER PKCS#10 request (RFC 7030 §4.2.1)");
    }
    try {
      return Base64.getDecoder().decode(sb.toString());
    } catch (IllegalArgumentException e) {
      throw new PadlockException(ErrorCode.MALFORMED_INPUT, "the request body is not base64: EST bodies are "
          + "base64-encoded DER (RFC 7030 §4, RFC 8951)");
    }
  }

  /**
   * Base64 in lines of 76 characters ending in LF (not CRLF: line breaks are whitespace to any base64
   * reader, and {@code base64 -d} refuses a CR).
   */
  static String encodeBase64(byte[] der) {
    return Base64.getMimeEncoder(76, new byte[] {'\n'}).encodeToString(der) + "\n";
  }

  /** A certs-only CMS SignedData (no signers, no content) holding {@code certs}, DER. */
  static byte[] certsOnly(List<X509CertificateHolder> certs) {
    try {
      CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
      gen.addCertificates(new CollectionStore<>(certs));
      return gen.generate(new CMSAbsentContent()).getEncoded("DER");
    } catch (CMSException | IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot build the certs-only CMS response", e);
    }
  }

  /** What padlock wants in a CSR: an EC P-256 key, signed with ECDSA over SHA-256. */
  static byte[] csrAttributes() {
    try {
      return new CsrAttrs(new AttrOrOID[] {
          new AttrOrOID(X9ObjectIdentifiers.ecdsa_with_SHA256),
          new AttrOrOID(new Attribute(X9ObjectIdentifiers.id_ecPublicKey, new DERSet(SECObjectIdentifiers.secp256r1)))
      }).getEncoded("DER");
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot encode the CSR attributes", e);
    }
  }

  /** A multipart/mixed body and its boundary: the PKCS#8 key, then the certs-only CMS, each base64. */
  record Multipart(String boundary, byte[] body) {
    String contentType() {
      return "multipart/mixed; boundary=" + boundary;
    }
  }

  static Multipart keyAndCertificate(byte[] pkcs8, byte[] certsOnly) {
    byte[] rnd = new byte[12];
    new SecureRandom().nextBytes(rnd);
    String boundary = "padlock-" + HexFormat.of().formatHex(rnd);
    String body = "--" + boundary + "\r\n"
        + "Content-Type: " + PKCS8 + "\r\n"
        + CTE + ": base64\r\n\r\n"
        + encodeBase64(pkcs8)
        + "--" + boundary + "\r\n"
        + "Content-Type: " + CERTS_ONLY + "\r\n"
        + CTE + ": base64\r\n\r\n"
        + encodeBase64(certsOnly)
        + "--" + boundary + "--\r\n";
    return new Multipart(boundary, body.getBytes(StandardCharsets.US_ASCII));
  }
}
