package dev.padlock.tls.internal;

import dev.padlock.tls.PeerPolicy;
import dev.padlock.tls.RevocationSource;
import dev.padlock.tls.TrustBundle;
import dev.padlock.tls.diagnose.FailureCause;
import dev.padlock.tls.diagnose.PeerCertificateException;
import dev.padlock.tls.diagnose.PeerRole;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXCertPathChecker;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;

/**
 * Verifies a peer's certificate chain, in this order, each step throwing {@link
 * PeerCertificateException} with a named cause: (1) build a path to a trust anchor of the bundle;
 * (2) every certificate within its validity at {@code now}; (3) RFC 5280 path validation by the
 * JDK's PKIX validator (signatures, CA flags, path length, name constraints, critical extensions,
 * disabled algorithms), without its revocation checking; (4) revocation from the {@link
 * RevocationSource}; (5) the leaf's extended key usage and key usage for the peer's role; (6) the
 * host name, for servers; (7) the peer policy. Immutable and thread-safe; the same code serves the
 * trust manager and the offline {@code padlock verify}.
 */
public final class PeerVerifier {
  private static final int MAX_PATH = 8;
  private static final String ANY_EKU = "2.5.29.37.0";

  /** A verified path: leaf first, up to but not including the anchor. */
  public record VerifiedPath(List<X509Certificate> path, X509Certificate anchor) {}

  private final TrustBundle bundle;
  private final RevocationSource revocation;
  private final PeerPolicy policy;
  private final Map<X500Principal, List<X509Certificate>> anchorsBySubject = new HashMap<>();
  private final Map<X500Principal, List<X509Certificate>> intermediatesBySubject = new HashMap<>();

  /** A verifier; a null policy skips the policy step. */
  public PeerVerifier(TrustBundle bundle, RevocationSource revocation, PeerPolicy policy) {
    this.bundle = bundle;
    this.revocation = revocation;
    this.policy = policy;
    for (X509Certificate a : bundle.anchors()) {
      anchorsBySubject.computeIfAbsent(a.getSubjectX500Principal(), k -> new ArrayList<>()).add(a);
    }
    for (X509Certificate i : bundle.intermediates()) {
      intermediatesBySubject.computeIfAbsent(i.getSubjectX500Principal(), k -> new ArrayList<>())
          .add(i);
    }
  }

  public TrustBundle bundle() {
    return bundle;
  }

  public RevocationSource revocation() {
    return revocation;
  }

  @Override
  public String toString() {
    return bundle.toString();
  }

  /**
   * Verifies a chain as sent by a peer (leaf first).
   *
   * @param role the peer's role, deciding the extended key usage it needs (null: no usage check)
   * @param host for a server peer, the name we connected to (null: no host check)
   */
  public VerifiedPath verify(List<X509Certificate> chain, PeerRole role, String host, Instant now)
      throws PeerCertificateException {
    if (chain == null || chain.isEmpty()) {
      throw new PeerCertificateException(role == PeerRole.CLIENT
          ? FailureCause.CLIENT_CERTIFICATE_REQUIRED : FailureCause.PEER_CERTIFICATE_UNTRUSTED,
          "the peer sent no certificate");
    }
    chain = JdkCertificates.of(chain);
    X509Certificate leaf = chain.get(0);
    VerifiedPath verified = buildPath(chain);
    checkValidity(verified, now);
    validate(verified, now);
    revocation.check(verified.path(), verified.anchor(), now);
    if (role != null) {
      checkUsage(leaf, role);
    }
    if (role != PeerRole.CLIENT && host != null && !HostnameMatcher.matches(leaf, host)) {
      CertNames n = CertNames.of(leaf);
      throw new PeerCertificateException(FailureCause.PEER_CERTIFICATE_WRONG_HOST,
          "certificate " + subject(leaf) + " is for DNS " + n.dns() + " IP "
              + n.ips().stream().map(java.net.InetAddress::getHostAddress).toList() + ", not for "
              + host);
    }
    if (policy != null) {
      policy.check(leaf);
    }
    return verified;
  }

  private VerifiedPath buildPath(List<X509Certificate> chain) throws PeerCertificateException {
    X509Certificate leaf = chain.get(0);
    for (X509Certificate a : anchorsBySubject.getOrDefault(leaf.getSubjectX500Principal(), List.of())) {
      if (a.equals(leaf)) {
        return new VerifiedPath(List.of(), leaf); // the peer's certificate is itself trusted
      }
    }
    Map<X500Principal, List<X509Certificate>> sent = new HashMap<>();
    for (X509Certificate c : chain.subList(1, chain.size())) {
      sent.computeIfAbsent(c.getSubjectX500Principal(), k -> new ArrayList<>()).add(c);
    }
    List<X509Certificate> path = new ArrayList<>();
    path.add(leaf);
    X509Certificate current = leaf;
    while (path.size() <= MAX_PATH) {
      X500Principal issuer = current.getIssuerX500Principal();
      for (X509Certificate a : anchorsBySubject.getOrDefault(issuer, List.of())) {
        if (keyIdsMatch(current, a) && signedBy(current, a)) {
          return new VerifiedPath(List.copyOf(path), a);
        }
      }
      X509Certificate next = null;
      for (Collection<X509Certificate> pool : List.of(sent.getOrDefault(issuer, List.of()),
          intermediatesBySubject.getOrDefault(issuer, List.of()))) {
        for (X509Certificate c : pool) {
          if (next == null && !path.contains(c) && keyIdsMatch(current, c) && signedBy(current, c)) {
            next = c;
          }
        }
      }
      if (next == null) {
        String why = issuer.equals(current.getSubjectX500Principal())
            ? "self-signed " + subject(current) + " is not a trusted CA"
            : "no trusted CA issued " + subject(current) + " (issuer " + issuer.getName() + ")";
        throw new PeerCertificateException(FailureCause.PEER_CERTIFICATE_UNTRUSTED, why);
      }
      path.add(next);
      current = next;
    }
    throw new PeerCertificateException(FailureCause.PEER_CERTIFICATE_UNTRUSTED,
        "chain longer than " + MAX_PATH + " certificates");
  }

  private static void checkValidity(VerifiedPath p, Instant now) throws PeerCertificateException {
    List<X509Certificate> all = new ArrayList<>(p.path());
    all.add(p.anchor());
    for (X509Certificate c : all) {
      Instant notAfter = c.getNotAfter().toInstant();
      Instant notBefore = c.getNotBefore().toInstant();
      if (now.isAfter(notAfter)) {
        throw new PeerCertificateException(FailureCause.PEER_CERTIFICATE_EXPIRED,
            subject(c) + " expired at " + notAfter + " (now " + now + ")");
      }
      if (now.isBefore(notBefore)) {
        throw new PeerCertificateException(FailureCause.PEER_CERTIFICATE_NOT_YET_VALID,
            subject(c) + " is valid from " + notBefore + " (now " + now + ")");
      }
    }
  }

  private static void validate(VerifiedPath p, Instant now) throws PeerCertificateException {
    if (p.path().isEmpty()) {
      return;
    }
    try {
      PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(p.anchor(), null)));
      params.setRevocationEnabled(false);
      params.setDate(Date.from(now));
      params.addCertPathChecker(new KeyUsageExtensionsHandledLater());
      CertPath cp = CertificateFactory.getInstance("X.509").generateCertPath(p.path());
      CertPathValidator.getInstance("PKIX").validate(cp, params);
    } catch (CertPathValidatorException e) {
      String at = e.getIndex() >= 0 && e.getIndex() < p.path().size()
          ? " at " + subject(p.path().get(e.getIndex())) : "";
      throw new PeerCertificateException(FailureCause.PEER_CERTIFICATE_UNTRUSTED,
          "path validation failed" + at + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new PeerCertificateException(FailureCause.PEER_CERTIFICATE_UNTRUSTED,
          "path validation failed: " + e, e);
    }
  }

  private static void checkUsage(X509Certificate leaf, PeerRole role)
      throws PeerCertificateException {
    List<String> eku;
    try {
      eku = leaf.getExtendedKeyUsage();
    } catch (CertificateParsingException e) {
      throw new PeerCertificateException(FailureCause.PEER_CERTIFICATE_WRONG_USAGE,
          "unreadable extended key usage in " + subject(leaf), e);
    }
    if (eku != null && !eku.contains(role.ekuOid()) && !eku.contains(ANY_EKU)) {
      throw new PeerCertificateException(FailureCause.PEER_CERTIFICATE_WRONG_USAGE,
          subject(leaf) + " has extended key usage " + ekuNames(eku) + ", without "
              + role.ekuName() + " (needed by a " + role.name().toLowerCase() + ")");
    }
    boolean[] ku = leaf.getKeyUsage();
    if (ku != null && (ku.length == 0 || !ku[0])) {
      throw new PeerCertificateException(FailureCause.PEER_CERTIFICATE_WRONG_USAGE,
          subject(leaf) + " has key usage without digitalSignature");
    }
  }

  private static List<String> ekuNames(List<String> oids) {
    return oids.stream().map(o -> switch (o) {
      case "1.3.6.1.5.5.7.3.1" -> "serverAuth";
      case "1.3.6.1.5.5.7.3.2" -> "clientAuth";
      case "1.3.6.1.5.5.7.3.3" -> "codeSigning";
      case "1.3.6.1.5.5.7.3.4" -> "emailProtection";
      case "1.3.6.1.5.5.7.3.8" -> "timeStamping";
      case "1.3.6.1.5.5.7.3.9" -> "OCSPSigning";
      default -> o;
    }).toList();
  }

  private static boolean signedBy(X509Certificate child, X509Certificate issuer) {
    try {
      child.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** AKI of the child against SKI of the candidate, when both are present. */
  private static boolean keyIdsMatch(X509Certificate child, X509Certificate issuer) {
    byte[] aki = extension(child, Extension.authorityKeyIdentifier.getId());
    byte[] ski = extension(issuer, Extension.subjectKeyIdentifier.getId());
    if (aki == null || ski == null) {
      return true;
    }
    try {
      byte[] akiId = AuthorityKeyIdentifier.getInstance(aki).getKeyIdentifierOctets();
      byte[] skiId = SubjectKeyIdentifier.getInstance(ski).getKeyIdentifier();
      return akiId == null || Arrays.equals(akiId, skiId);
    } catch (IllegalArgumentException e) {
      return true;
    }
  }

  private static byte[] extension(X509Certificate c, String oid) {
    byte[] v = c.getExtensionValue(oid);
    return v == null ? null : ASN1OctetString.getInstance(v).getOctets();
  }

  static String subject(X509Certificate c) {
    return c.getSubjectX500Principal().getName() + " (serial " + c.getSerialNumber().toString(16)
        + ")";
  }

  /** Tells the PKIX validator that extended key usage is checked (by {@link #checkUsage}). */
  private static final class KeyUsageExtensionsHandledLater extends PKIXCertPathChecker {
    @Override
    public void init(boolean forward) {}

    @Override
    public boolean isForwardCheckingSupported() {
      return true;
    }

    @Override
    public Set<String> getSupportedExtensions() {
      return Set.of(Extension.extendedKeyUsage.getId());
    }

    @Override
    public void check(java.security.cert.Certificate cert, Collection<String> unresolved) {
      unresolved.remove(Extension.extendedKeyUsage.getId());
    }
  }
}
