package dev.padlock.tls.enroll;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A key made here and the CSR for it, and what the server gave back, put in order: the new certificate
 * first, then its issuers up to (not including) the root.
 */
public final class Enrollment {
  private Enrollment() {}

  /** A fresh EC P-256 key pair (the safe default; the key never leaves this machine). */
  public static KeyPair newKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A PKCS#10 request signed by {@code key} (proof of possession) for {@code cn}, asking for {@code sans}
   * ({@code dns:}, {@code ip:}, {@code uri:}, {@code email:}).
   */
  public static byte[] csr(KeyPair key, String cn, List<String> sans) {
    try {
      PKCS10CertificationRequestBuilder b = new JcaPKCS10CertificationRequestBuilder(
          new X500Principal("CN=" + cn.replace("\\", "\\\\").replace(",", "\\,").replace("+", "\\+")
              .replace("=", "\\=")), key.getPublic());
      if (!sans.isEmpty()) {
        List<GeneralName> names = new ArrayList<>();
        for (String s : sans) {
          names.add(generalName(s));
        }
        ExtensionsGenerator ext = new ExtensionsGenerator();
        ext.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
        b.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate());
      }
      return b.build(new JcaContentSignerBuilder(signatureAlgorithm(key.getPublic())).build(key.getPrivate()))
          .getEncoded();
    } catch (IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot build the CSR: " + e.getMessage(), e);
    }
  }

  private static String signatureAlgorithm(PublicKey key) {
    return switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> "SHA256withECDSA";
    };
  }

  /** @throws IllegalArgumentException if {@code san} is not {@code dns:}, {@code ip:}, {@code uri:} or {@code email:} */
  public static void checkSan(String san) {
    generalName(san);
  }

  static GeneralName generalName(String san) {
    int colon = san.indexOf(':');
    String type = colon < 0 ? "" : san.substring(0, colon);
    String value = san.substring(colon + 1);
    return switch (type) {
      case "dns" -> new GeneralName(GeneralName.dNSName, value);
      case "ip" -> new GeneralName(GeneralName.iPAddress, value);
      case "uri" -> new GeneralName(GeneralName.uniformResourceIdentifier, value);
      case "email" -> new GeneralName(GeneralName.rfc822Name, value);
      default -> throw new IllegalArgumentException("invalid subject alternative name '" + san
          + "': write dns:HOST, ip:ADDRESS, uri:URI or email:ADDRESS");
    };
  }

  /**
   * The certificate for {@code key} among {@code returned}, followed by the issuers the server sent, in
   * chain order, without self-signed roots.
   */
  public static List<X509Certificate> chainFor(PublicKey key, List<X509Certificate> returned) throws EstException {
    X509Certificate leaf = returned.stream().filter(c -> Arrays.equals(c.getPublicKey().getEncoded(), key.getEncoded()))
        .findFirst().orElseThrow(() -> EstException.refusedLocally("the server returned no certificate for our key"));
    List<X509Certificate> chain = new ArrayList<>(List.of(leaf));
    X509Certificate current = leaf;
    while (true) {
      X509Certificate c = current;
      var issuer = returned.stream().filter(x -> x != c && x.getSubjectX500Principal().equals(c.getIssuerX500Principal())
          && !x.getSubjectX500Principal().equals(x.getIssuerX500Principal())).findFirst();
      if (issuer.isEmpty() || chain.contains(issuer.get())) {
        return chain;
      }
      chain.add(issuer.get());
      current = issuer.get();
    }
  }
}
