package dev.padlock.ca.pem;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Reading and writing the standard artifacts — certificates, CSRs, CRLs, keys — as PEM or DER, through
 * Bouncy Castle. Anything unreadable is refused with {@link ErrorCode#MALFORMED_INPUT} (or {@link
 * ErrorCode#MALFORMED_CSR}) and a message naming where it came from.
 */
public final class Pem {
  private Pem() {}

  /** True if {@code data} looks like PEM text rather than DER. */
  public static boolean isPem(byte[] data) {
    int i = 0;
    while (i < data.length && Character.isWhitespace(data[i])) {
      i++;
    }
    return i + 10 < data.length && new String(data, i, 10, StandardCharsets.US_ASCII).equals("-----BEGIN");
  }

  /** A PKCS#10 request from PEM or DER. Its signature is not checked here. */
  public static PKCS10CertificationRequest readCsr(byte[] data, String where) {
    try {
      if (isPem(data)) {
        Object o = readPemObjects(data).stream().findFirst().orElse(null);
        if (o instanceof PKCS10CertificationRequest csr) {
          return csr;
        }
        throw new PadlockException(ErrorCode.MALFORMED_CSR,
            where + " is not a certificate signing request (expected -----BEGIN CERTIFICATE REQUEST-----)");
      }
      return new PKCS10CertificationRequest(strictDer(data));
    } catch (PadlockException e) {
      throw e;
    } catch (Exception e) {
      throw new PadlockException(ErrorCode.MALFORMED_CSR,
          where + " is not a readable certificate signing request (PEM or DER): " + reason(e), e);
    }
  }

  /** One or more certificates from PEM (several blocks allowed) or one from DER. */
  public static List<X509CertificateHolder> readCertificates(byte[] data, String where) {
    try {
      List<X509CertificateHolder> out = new ArrayList<>();
      if (isPem(data)) {
        for (Object o : readPemObjects(data)) {
          if (o instanceof X509CertificateHolder c) {
            out.add(c);
          }
        }
      } else if (data.length > 0) {
        out.add(new X509CertificateHolder(strictDer(data)));
      }
      if (out.isEmpty()) {
        throw new PadlockException(ErrorCode.MALFORMED_INPUT,
            where + " holds no certificate (expected -----BEGIN CERTIFICATE----- or DER)");
      }
      return out;
    } catch (PadlockException e) {
      throw e;
    } catch (Exception e) {
      throw new PadlockException(ErrorCode.MALFORMED_INPUT,
          where + " is not a readable certificate (PEM or DER): " + reason(e), e);
    }
  }

  public static X509CertificateHolder readCertificate(byte[] data, String where) {
    return readCertificates(data, where).get(0);
  }

  private static List<Object> readPemObjects(byte[] data) throws IOException {
    List<Object> out = new ArrayList<>();
    try (PEMParser p = new PEMParser(new InputStreamReader(new ByteArrayInputStream(data), StandardCharsets.US_ASCII))) {
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        out.add(o);
      }
    }
    return out;
  }

  /** DER bytes that are exactly one ASN.1 object: truncated or trailing garbage is refused. */
  private static byte[] strictDer(byte[] data) throws IOException {
    ASN1Primitive p = ASN1Primitive.fromByteArray(data);
    byte[] der = p.getEncoded("DER");
    if (der.length != data.length) {
      throw new IOException("trailing or non-DER bytes");
    }
    return data;
  }

  private static String reason(Exception e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.toLowerCase(java.util.Locale.ROOT);
  }

  public static String certificate(X509CertificateHolder cert) {
    return block("CERTIFICATE", encoded(cert));
  }

  public static String certificates(List<X509CertificateHolder> certs) {
    StringBuilder sb = new StringBuilder();
    for (X509CertificateHolder c : certs) {
      sb.append(certificate(c));
    }
    return sb.toString();
  }

  public static String crl(X509CRLHolder crl) {
    try {
      return block("X509 CRL", crl.getEncoded());
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot encode the CRL", e);
    }
  }

  public static String crl(byte[] der) {
    return block("X509 CRL", der);
  }

  public static String csr(PKCS10CertificationRequest csr) {
    try {
      return block("CERTIFICATE REQUEST", csr.getEncoded());
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot encode the CSR", e);
    }
  }

  /** An unencrypted PKCS#8 {@code PRIVATE KEY} block: for leaf keys only, written with mode 0600. */
  public static String privateKey(PrivateKey key) {
    return block("PRIVATE KEY", key.getEncoded());
  }

  private static byte[] encoded(X509CertificateHolder cert) {
    try {
      return cert.getEncoded();
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot encode certificate", e);
    }
  }

  private static String block(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter w = new PemWriter(out)) {
      w.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot write PEM", e);
    }
    return out.toString();
  }
}
