package dev.padlock.tls.diagnose;

import dev.padlock.tls.PeerPolicy;
import dev.padlock.tls.RevocationSource;
import dev.padlock.tls.TrustBundle;
import dev.padlock.tls.internal.PeerVerifier;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Verifies a certificate chain offline with exactly the code padlock's trust manager runs during a
 * handshake: path to the trust bundle, validity, RFC 5280 path validation, revocation, key usage for
 * a purpose, host name, peer policy. {@code padlock verify} is this class.
 */
public final class ChainCheck {
  private final PeerVerifier verifier;
  private final PeerRole purpose;
  private final String host;

  private ChainCheck(Builder b) {
    this.verifier = new PeerVerifier(b.trust, b.revocation, b.policy);
    this.purpose = b.purpose;
    this.host = b.host;
  }

  public static Builder builder(TrustBundle trust) {
    return new Builder(trust);
  }

  /**
   * Checks a chain (leaf first; any further certificates help build the path) at an instant.
   *
   * @return the verified path, leaf first, ending with the trust anchor
   * @throws PeerCertificateException naming the cause
   */
  public List<X509Certificate> check(List<X509Certificate> chain, Instant at)
      throws PeerCertificateException {
    PeerVerifier.VerifiedPath p = verifier.verify(chain, purpose, host, at);
    List<X509Certificate> out = new ArrayList<>(p.path());
    if (out.isEmpty() || !out.get(out.size() - 1).equals(p.anchor())) {
      out.add(p.anchor());
    }
    return out;
  }

  /** Settings of an offline check. */
  public static final class Builder {
    private final TrustBundle trust;
    private RevocationSource revocation = RevocationSource.none();
    private PeerPolicy policy;
    private PeerRole purpose;
    private String host;

    private Builder(TrustBundle trust) {
      this.trust = Objects.requireNonNull(trust);
    }

    /** Revocation data. If unset, none: revocation is not checked. */
    public Builder revocation(RevocationSource source) {
      this.revocation = Objects.requireNonNull(source);
      return this;
    }

    /** The role the certificate is for (its extended key usage). If unset, usage is not checked. */
    public Builder purpose(PeerRole purpose) {
      this.purpose = purpose;
      return this;
    }

    /** The host name a server certificate must carry. If unset, the name is not checked. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** A peer policy to apply as well. If unset, none. */
    public Builder policy(PeerPolicy policy) {
      this.policy = policy;
      return this;
    }

    public ChainCheck build() {
      return new ChainCheck(this);
    }
  }
}
