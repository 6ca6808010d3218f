package dev.padlock.tls.diagnose;

import java.math.BigInteger;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The parts of a certificate a person needs to recognise it in a log line: subject, SANs, issuer,
 * serial (hex) and validity.
 */
public record CertificateSummary(String subject, List<String> subjectAltNames, String issuer,
    BigInteger serial, Instant notBefore, Instant notAfter) {

  public CertificateSummary {
    subjectAltNames = List.copyOf(subjectAltNames);
  }

  public static CertificateSummary of(X509Certificate cert) {
    return new CertificateSummary(cert.getSubjectX500Principal().getName(), sans(cert),
        cert.getIssuerX500Principal().getName(), cert.getSerialNumber(),
        cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant());
  }

  /** SANs as "DNS:name", "URI:uri", "IP:addr", "email:addr". */
  public static List<String> sans(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      Collection<List<?>> names = cert.getSubjectAlternativeNames();
      if (names != null) {
        for (List<?> n : names) {
          String prefix = switch ((Integer) n.get(0)) {
            case 1 -> "email:";
            case 2 -> "DNS:";
            case 6 -> "URI:";
            case 7 -> "IP:";
            default -> null;
          };
          if (prefix != null && n.get(1) instanceof String s) {
            out.add(prefix + s);
          }
        }
      }
    } catch (CertificateParsingException e) {
      out.add("(unreadable subjectAltName)");
    }
    return out;
  }

  @Override
  public String toString() {
    return "subject=" + subject + (subjectAltNames.isEmpty() ? "" : " san=" + subjectAltNames)
        + " issuer=" + issuer + " serial=" + serial.toString(16) + " valid " + notBefore + ".."
        + notAfter;
  }
}
