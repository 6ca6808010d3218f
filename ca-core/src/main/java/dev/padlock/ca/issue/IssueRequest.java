package dev.padlock.ca.issue;

import dev.padlock.ca.sign.KeyAlgorithm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * What someone asks the CA for: a profile, names, a validity, and either a CSR (its key) or a key type
 * for padlock to generate. Whether they get it is for the profile and the CA to decide.
 */
public record IssueRequest(
    String profile,
    Optional<String> commonName,
    List<SubjectAltName> sans,
    Optional<PKCS10CertificationRequest> csr,
    KeyAlgorithm generatedKeyType,
    Optional<Duration> validity,
    String requester) {

  public IssueRequest {
    Objects.requireNonNull(profile, "profile");
    sans = List.copyOf(sans);
    Objects.requireNonNull(generatedKeyType, "generatedKeyType");
    Objects.requireNonNull(requester, "requester");
  }

  public static Builder builder(String profile) {
    return new Builder(profile);
  }

  /** Builds an {@link IssueRequest}. */
  public static final class Builder {
    private final String profile;
    private String commonName;
    private final List<SubjectAltName> sans = new ArrayList<>();
    private PKCS10CertificationRequest csr;
    private KeyAlgorithm keyType = KeyAlgorithm.EC_P256;
    private Duration validity;
    private String requester = "cli";

    private Builder(String profile) {
      this.profile = profile;
    }

    /** The subject's CN. If unset, the CSR's CN. */
    public Builder commonName(String cn) {
      this.commonName = cn;
      return this;
    }

    /** Adds a SAN. If none is added, the SANs the CSR asks for. */
    public Builder san(SubjectAltName san) {
      sans.add(san);
      return this;
    }

    public Builder sans(List<SubjectAltName> names) {
      sans.addAll(names);
      return this;
    }

    /** Certify the key of this CSR (after checking its signature). If unset, padlock generates a key. */
    public Builder csr(PKCS10CertificationRequest request) {
      this.csr = request;
      return this;
    }

    /** The type of key padlock generates when there is no CSR. If unset, EC P-256. */
    public Builder generatedKeyType(KeyAlgorithm type) {
      this.keyType = type;
      return this;
    }

    /** The lifetime asked for. If unset, the profile's default. */
    public Builder validity(Duration d) {
      this.validity = d;
      return this;
    }

    /** Who asks, for the audit log. If unset, {@code cli}. */
    public Builder requester(String who) {
      this.requester = who;
      return this;
    }

    public IssueRequest build() {
      return new IssueRequest(profile, Optional.ofNullable(commonName).filter(s -> !s.isBlank()), sans,
          Optional.ofNullable(csr), keyType, Optional.ofNullable(validity), requester);
    }
  }
}
