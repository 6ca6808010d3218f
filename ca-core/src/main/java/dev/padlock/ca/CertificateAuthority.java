package dev.padlock.ca;

import dev.padlock.ca.audit.AuditChain;
import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.authorize.AdminAuthorizer;
import dev.padlock.ca.authorize.Authorization;
import dev.padlock.ca.authorize.Constraints;
import dev.padlock.ca.authorize.EnrollmentToken;
import dev.padlock.ca.authorize.RenewalAuthorizer;
import dev.padlock.ca.authorize.TokenAuthorizer;
import dev.padlock.ca.authorize.TokenGrant;
import dev.padlock.ca.authorize.TokenRequest;
import dev.padlock.ca.authorize.TokenStore;
import dev.padlock.ca.issue.CertificateTemplate;
import dev.padlock.ca.issue.CsrCheck;
import dev.padlock.ca.issue.IssueRequest;
import dev.padlock.ca.issue.IssuedCertificate;
import dev.padlock.ca.issue.Profile;
import dev.padlock.ca.issue.SubjectAltName;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.revoke.OcspDelegate;
import dev.padlock.ca.revoke.CrlPublisher;
import dev.padlock.ca.revoke.OcspResponder;
import dev.padlock.ca.revoke.RevocationReason;
import dev.padlock.ca.sign.CaSigner;
import dev.padlock.ca.sign.EncryptedKeyFile;
import dev.padlock.ca.sign.KeyAlgorithm;
import dev.padlock.ca.sign.SignatureCheck;
import dev.padlock.ca.sign.SoftwareCaSigner;
import dev.padlock.ca.store.CertificateQuery;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStore;
import dev.padlock.ca.store.StoredCrl;
import dev.padlock.ca.store.jdbc.JdbcCertificateStore;
import dev.padlock.ca.store.jdbc.JdbcStores;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * The certificate authority: the one place that decides what is issued and signs it. Requests are
 * checked against the profile (key type, names, validity), the certificate is built and signed, stored
 * with its audit entry, and only then returned. Revocation updates the store, then a new CRL is published
 * off the caller's thread ({@link CrlPublisher}).
 *
 * <p>Thread-safe. The issuing key is decrypted on first use, with the passphrase from the {@link
 * PassphraseSource}.
 */
public final class CertificateAuthority implements AutoCloseable {
  /** How far notBefore is backdated, for clients whose clocks run a little behind. */
  static final Duration BACKDATE = Duration.ofMinutes(1);
  private static final int MAX_CN_LENGTH = 64;

  private final CaDirectory dir;
  private final CaConfig config;
  private final CertificateStore store;
  private final TokenStore tokens;
  private final Clock clock;
  private final PassphraseSource passphrase;
  private final SecureRandom random;
  private final X509CertificateHolder root;
  private final X509CertificateHolder issuing;
  /** Checks the issuing CA's signatures on presented certificates; holds its key decoded once. */
  private final SignatureCheck issuerSignature;
  private final CrlPublisher crls;
  private volatile CaSigner signer;
  /** Who signs OCSP responses: {@link #signer()}, or a delegated responder ({@code ocsp.signer=delegated}). */
  private final Supplier<CaSigner> ocspSigner;

  private CertificateAuthority(CaDirectory dir, CaConfig config, CertificateStore store, Clock clock,
      PassphraseSource passphrase, SecureRandom random, X509CertificateHolder root, X509CertificateHolder issuing) {
    this.dir = dir;
    this.config = config;
    this.store = store;
    this.tokens = store instanceof JdbcCertificateStore jdbc ? jdbc.tokens() : NO_TOKENS;
    this.clock = clock;
    this.passphrase = passphrase;
    this.random = random;
    this.root = root;
    this.issuing = issuing;
    this.ocspSigner = config.ocspDelegateValidity().<Supplier<CaSigner>>map(v -> new OcspDelegate(issuing,
        this::signer, store, clock, random, v)).orElse(this::signer);
    this.crls = new CrlPublisher(store, issuing, this::signer, clock, config.crlNextUpdate());
    try {
      this.issuerSignature = SignatureCheck.of(issuing.getSubjectPublicKeyInfo());
    } catch (OperatorCreationException e) {
      throw new PadlockException(ErrorCode.INVALID_CONFIG, "cannot read the key of the issuing CA certificate "
          + issuing.getSubject() + ": " + e.getMessage(), e);
    }
  }

  /** Opens the CA in {@code path} with its embedded H2 store. */
  public static CertificateAuthority open(Path path, Clock clock, PassphraseSource passphrase) {
    CaDirectory dir = new CaDirectory(path);
    CaConfig config = CaConfig.load(dir.config());
    X509CertificateHolder root = readCertificate(dir.rootCertificate());
    X509CertificateHolder issuing = readCertificate(dir.issuingCertificate());
    CertificateStore store = JdbcStores.openH2(dir.path(), 4, config.storeForcedToDisk());
    return new CertificateAuthority(dir, config, store, clock, passphrase, new SecureRandom(), root, issuing);
  }

  /** Opens the CA in {@code path} with the given store (e.g. PostgreSQL). The CA closes it. */
  public static CertificateAuthority open(Path path, CertificateStore store, Clock clock, PassphraseSource passphrase) {
    CaDirectory dir = new CaDirectory(path);
    CaConfig config = CaConfig.load(dir.config());
    return new CertificateAuthority(dir, config, store, clock, passphrase, new SecureRandom(),
        readCertificate(dir.rootCertificate()), readCertificate(dir.issuingCertificate()));
  }

  static X509CertificateHolder readCertificate(Path file) {
    try {
      return Pem.readCertificate(Files.readAllBytes(file), file.toString());
    } catch (NoSuchFileException e) {
      throw new PadlockException(ErrorCode.CA_NOT_FOUND, "no CA at " + file.getParent() + ": " + file.getFileName()
          + " is missing (create a CA with 'padlock init --dir " + file.getParent() + "')");
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public CaConfig config() {
    return config;
  }

  public CaDirectory directory() {
    return dir;
  }

  public Clock clock() {
    return clock;
  }

  public CertificateStore store() {
    return store;
  }

  public X509CertificateHolder rootCertificate() {
    return root;
  }

  public X509CertificateHolder issuingCertificate() {
    return issuing;
  }

  /** The chain a client needs above a leaf: the issuing CA, then the root. */
  public List<X509CertificateHolder> chain() {
    return List.of(issuing, root);
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private CaSigner signer() {
    CaSigner s = signer;
    if (s == null) {
      synchronized (this) {
        s = signer;
        if (s == null) {
          char[] pw = passphrase.passphrase("to unlock the issuing CA key at " + dir.issuingKey());
          try {
            s = new SoftwareCaSigner(issuing, EncryptedKeyFile.read(dir.issuingKey(), pw));
          } finally {
            java.util.Arrays.fill(pw, '\0');
          }
          signer = s;
        }
      }
    }
    return s;
  }

  /** Decrypts the issuing key now, so a wrong passphrase is reported before any other work. */
  public void unlock() {
    signer();
  }

  // ---------------------------------------------------------------------------------------------- issue

  /**
   * Issues a certificate: checks the request against its profile, signs, stores (with the audit entry),
   * and returns. Nothing is stored if any check fails.
   */
  public IssuedCertificate issue(IssueRequest request) {
    return issue(request, Authorization.operator(request.requester()));
  }

  /**
   * Issues a certificate for an authorized caller: as {@link #issue(IssueRequest)}, within the constraints
   * of {@code authorization}. When a one-time token authorized it, the token is spent in the transaction
   * that stores the certificate; if it was spent meanwhile (a concurrent request), nothing is stored and
   * the caller gets {@link ErrorCode#UNAUTHORIZED}. The audit log names {@code authorization.actor()}.
   */
  public IssuedCertificate issue(IssueRequest request, Authorization authorization) {
    Decision d = decide(request, authorization.constraints());
    CaSigner signer = signer(); // after every input check: bad input never needs the passphrase
    Optional<KeyPair> generated = Optional.empty();
    SubjectPublicKeyInfo publicKey = d.publicKey();
    if (publicKey == null) {
      KeyPair kp = d.keyType().generate(random);
      generated = Optional.of(kp);
      publicKey = SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded());
    }
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, d.commonName()).build();
    for (int attempt = 0; ; attempt++) {
      SerialNumber serial = SerialNumber.random(random);
      X509CertificateHolder cert = CertificateTemplate.leaf(issuing, serial, subject, publicKey, d.keyType().isRsa(),
          d.notBefore(), d.notAfter(), d.profile().usage().eku(), d.sans(), config.baseUrl()).sign(signer);
      byte[] der = encoded(cert);
      CertificateRecord record = new CertificateRecord(serial, subject.toString(), d.commonName(),
          d.sans().stream().map(SubjectAltName::toString).toList(), d.profile().name(), d.keyType().label(),
          d.notBefore(), d.notAfter(), d.now(), Fingerprints.sha256(der), der, authorization.actor(), Optional.empty());
      AuditEvent event = new AuditEvent(d.now(), "issue", serial.hex(), authorization.actor(),
          "profile=" + d.profile().name() + " cn=" + d.commonName() + " sans=" + String.join(",", record.sans())
              + " not_after=" + d.notAfter() + " fingerprint=" + record.fingerprintSha256());
      try {
        if (authorization.tokenHash().isEmpty()) {
          store.recordIssued(record, event);
        } else if (!tokens.redeemAndRecord(authorization.tokenHash().get(), d.now(), record, event)) {
          throw new PadlockException(ErrorCode.UNAUTHORIZED,
              "the enrollment token is not valid (unknown, already used or expired): ask for a new one");
        }
        return new IssuedCertificate(record, cert, chain(), generated);
      } catch (CertificateStore.DuplicateSerialException e) {
        if (attempt >= 3) {
          throw new PadlockException(ErrorCode.INTERNAL, "cannot find a free serial number", e);
        }
      }
    }
  }

  /** Everything decided about a request before anything is signed; {@code publicKey} is null to generate one. */
  private record Decision(Profile profile, KeyAlgorithm keyType, SubjectPublicKeyInfo publicKey, String commonName,
      List<SubjectAltName> sans, Instant now, Instant notBefore, Instant notAfter) {}

  private Decision decide(IssueRequest request, Constraints constraints) {
    Profile profile = config.profile(request.profile());
    CsrCheck.Verified csr = request.csr().map(CsrCheck::verify).orElse(null);
    KeyAlgorithm keyType = csr != null ? csr.keyType() : request.generatedKeyType();
    profile.checkKeyType(keyType);

    String cn = request.commonName().or(() -> csr == null ? Optional.empty() : csr.commonName())
        .or(constraints::commonName).orElseThrow(() -> new PadlockException(ErrorCode.INVALID_NAME,
            "a common name is required: pass --cn NAME (or put a CN in the CSR)"));
    checkCommonName(cn);
    List<SubjectAltName> asked = request.sans().isEmpty() && csr != null ? csr.sans() : request.sans();
    if (asked.isEmpty()) {
      asked = constraints.defaultNames();
    }
    List<SubjectAltName> sans = requiredNames(profile, cn, asked);
    profile.namePolicy().check(profile.name(), cn, sans);
    constraints.check(profile.name(), cn, sans);
    Duration validity = profile.validity(request.validity().orElse(null));

    Instant now = now();
    Instant issuerEnd = issuing.getNotAfter().toInstant();
    if (!now.isBefore(issuerEnd)) {
      throw new PadlockException(ErrorCode.ISSUER_EXPIRED, "the issuing CA certificate expired at " + issuerEnd
          + ": nothing can be issued until it is renewed");
    }
    Instant notAfter = now.plus(validity);
    if (notAfter.isAfter(issuerEnd)) {
      notAfter = issuerEnd; // never valid past the issuing CA
    }
    return new Decision(profile, keyType, csr == null ? null : csr.publicKey(), cn, sans, now, now.minus(BACKDATE),
        notAfter);
  }

  private static void checkCommonName(String cn) {
    if (cn.isBlank() || cn.length() > MAX_CN_LENGTH || cn.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new PadlockException(ErrorCode.INVALID_NAME, "invalid common name '" + cn
          + "': it must be 1 to " + MAX_CN_LENGTH + " printable characters");
    }
  }

  /** Adds the CN as a DNS name where the profile needs one and the CN is one (as step-ca does). */
  private static List<SubjectAltName> requiredNames(Profile profile, String cn, List<SubjectAltName> asked) {
    Set<SubjectAltName> names = new LinkedHashSet<>(asked);
    switch (profile.usage()) {
      case SERVER -> {
        if (names.stream().noneMatch(n -> n.type() == SubjectAltName.Type.DNS || n.type() == SubjectAltName.Type.IP)) {
          if (!SubjectAltName.isDnsName(cn)) {
            throw new PadlockException(ErrorCode.INVALID_NAME, "a server certificate needs a DNS or IP name: "
                + "add --san dns:HOST or --san ip:ADDRESS");
          }
          names.add(SubjectAltName.dns(cn));
        }
      }
      case DEVICE -> {
        if (names.stream().noneMatch(n -> n.type() == SubjectAltName.Type.DNS || n.type() == SubjectAltName.Type.URI)) {
          if (!SubjectAltName.isDnsName(cn)) {
            throw new PadlockException(ErrorCode.INVALID_NAME, "a device certificate needs a URI or DNS name naming "
                + "the device: add --san uri:spiffe://… or --san dns:NAME");
          }
          names.add(SubjectAltName.dns(cn));
        }
      }
      case CLIENT -> { }
    }
    return new ArrayList<>(names);
  }

  private static byte[] encoded(X509CertificateHolder cert) {
    try {
      return cert.getEncoded();
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot encode certificate", e);
    }
  }

  // ----------------------------------------------------------------------------------- tokens, authorizers

  /** The longest an enrollment token may stay valid. */
  public static final Duration MAX_TOKEN_TTL = Duration.ofDays(30);

  /**
   * Creates a one-time enrollment token for one certificate of {@code request.profile()} with the given CN and
   * names, valid for {@code request.ttl()}. The names are checked against the profile now, so a token that
   * could never be spent is refused. Only the token's hash is stored; the value is in the result, once.
   */
  public EnrollmentToken createToken(TokenRequest request, String actor) {
    Profile profile = config.profile(request.profile());
    checkCommonName(request.commonName());
    List<SubjectAltName> names = requiredNames(profile, request.commonName(), request.sans());
    profile.namePolicy().check(profile.name(), request.commonName(), names);
    if (request.ttl().isNegative() || request.ttl().isZero() || request.ttl().compareTo(MAX_TOKEN_TTL) > 0) {
      throw new PadlockException(ErrorCode.INVALID_DURATION, "a token's lifetime must be above zero and at most "
          + DurationText.format(MAX_TOKEN_TTL) + ", got " + DurationText.format(request.ttl()));
    }
    Instant now = now();
    String value = EnrollmentToken.newValue(random);
    TokenGrant grant = new TokenGrant(EnrollmentToken.hash(value), profile.name(), request.commonName(),
        request.sans(), now, now.plus(request.ttl()), actor);
    tokens.save(grant, new AuditEvent(now, "token", "", actor, "id=" + grant.id() + " profile=" + grant.profile()
        + " cn=" + grant.commonName() + " sans=" + String.join(",", grant.sans().stream()
            .map(SubjectAltName::toString).toList()) + " expires=" + grant.expiresAt()));
    return new EnrollmentToken(value, grant);
  }

  /** Authorizes initial enrollments by one-time token. */
  public TokenAuthorizer tokenAuthorizer() {
    return new TokenAuthorizer(tokens, clock);
  }

  /** Authorizes renewals by the certificate the caller holds (EST simplereenroll). */
  public RenewalAuthorizer renewalAuthorizer() {
    return new RenewalAuthorizer(store, issuing, issuerSignature, clock);
  }

  /** Authorizes administrators by the certificates in the CA directory's {@code admin.pem}. */
  public AdminAuthorizer adminAuthorizer() {
    Set<String> fingerprints = new java.util.HashSet<>();
    Path file = dir.adminCertificate();
    if (Files.exists(file)) {
      try {
        for (X509CertificateHolder c : Pem.readCertificates(Files.readAllBytes(file), file.toString())) {
          fingerprints.add(Fingerprints.sha256(c.getEncoded()));
        }
      } catch (IOException e) {
        throw new PadlockException(ErrorCode.INTERNAL, "cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    return new AdminAuthorizer(fingerprints, store, issuing, issuerSignature, clock);
  }

  /**
   * An OCSP responder answering from this CA's store, signed as {@code ocsp.signer} in padlock.conf says:
   * by the issuing CA's key, or by this CA object's delegated responder ({@link OcspDelegate}).
   */
  public OcspResponder ocspResponder() {
    return new OcspResponder(store, issuing, ocspSigner, clock);
  }

  /**
   * An OCSP responder signed by a delegated responder: a certificate this CA issued with EKU OCSPSigning,
   * and its signer.
   */
  public OcspResponder ocspResponder(CaSigner delegated) {
    return new OcspResponder(store, issuing, () -> delegated, clock);
  }

  /** For stores that are not JDBC: token operations are refused. */
  private static final TokenStore NO_TOKENS = new TokenStore() {
    @Override
    public void save(TokenGrant grant, AuditEvent event) {
      throw unsupported();
    }

    @Override
    public Optional<TokenGrant> findRedeemable(String tokenHash, Instant now) {
      return Optional.empty();
    }

    @Override
    public boolean redeemAndRecord(String tokenHash, Instant now, CertificateRecord record, AuditEvent event) {
      return false;
    }

    private PadlockException unsupported() {
      return new PadlockException(ErrorCode.INVALID_CONFIG, "this store keeps no enrollment tokens");
    }
  };

  // --------------------------------------------------------------------------------------------- lookup

  /**
   * Finds a certificate by serial as a user typed it (hex or decimal).
   *
   * @throws PadlockException {@code UNKNOWN_SERIAL} if none, {@code INVALID_SERIAL} if ambiguous or unreadable
   */
  public CertificateRecord find(String serialText) {
    List<CertificateRecord> found = new ArrayList<>();
    for (SerialNumber s : SerialNumber.candidates(serialText)) {
      store.find(s).ifPresent(found::add);
    }
    if (found.isEmpty()) {
      throw new PadlockException(ErrorCode.UNKNOWN_SERIAL, "no certificate with serial " + serialText.trim()
          + " was issued by this CA (list them with 'padlock list')");
    }
    if (found.size() > 1) {
      throw new PadlockException(ErrorCode.INVALID_SERIAL, "serial " + serialText.trim()
          + " is ambiguous: it names one certificate read as decimal and another read as hex; write it as 0x"
          + serialText.trim() + " for hex");
    }
    return found.get(0);
  }

  public List<CertificateRecord> list(CertificateQuery query) {
    return store.list(query);
  }

  // ---------------------------------------------------------------------------------------------- revoke

  /**
   * What a revocation did: the revoked certificate, committed to the store (OCSP answers from the store, so
   * it already says "revoked"), and the CRL being published after it.
   */
  public record Revocation(CertificateRecord record, CompletableFuture<StoredCrl> publication) {
    /** Waits for the first CRL that lists this revocation and returns it (a build coalesces revocations). */
    public StoredCrl crl() {
      return CrlPublisher.await(publication);
    }
  }

  /**
   * Revokes a certificate: the store update and its audit entry, in one transaction, then a request for a
   * new CRL, which is built and saved off this thread ({@link Revocation#crl()} waits for it). Revocations
   * that arrive while a CRL is being built share the next one.
   *
   * @throws PadlockException {@code UNKNOWN_SERIAL}, {@code ALREADY_REVOKED}, {@code INVALID_SERIAL}
   */
  public Revocation revoke(String serialText, RevocationReason reason, String actor) {
    CertificateRecord target = find(serialText);
    if (target.revocation().isPresent()) {
      CertificateRecord.Revocation r = target.revocation().get();
      throw new PadlockException(ErrorCode.ALREADY_REVOKED, "certificate " + target.serial() + " was already revoked at "
          + r.at() + " (" + r.reason() + ")");
    }
    signer(); // fail on a wrong passphrase before changing anything
    Instant now = now();
    CertificateRecord revoked = store.revoke(target.serial(), reason, now,
        new AuditEvent(now, "revoke", target.serial().hex(), actor, "reason=" + reason.rfcName() + " cn="
            + target.commonName()));
    return new Revocation(revoked, crls.request());
  }

  // ------------------------------------------------------------------------------------------------- CRL

  /**
   * Signs and stores a new CRL with the next CRL number, listing every revocation committed before this
   * call, and returns it. When another process publishes at the same moment, this one takes the next number.
   */
  public StoredCrl publishCrl() {
    signer(); // a wrong passphrase is reported here, not from the publisher's thread
    return crls.publish();
  }

  /**
   * The current CRL: the stored one while less than half of its lifetime has passed and it lists every
   * revocation committed so far; else a freshly signed one (which needs the passphrase).
   */
  public StoredCrl currentCrl() {
    Optional<BigInteger> number = store.latestCrlNumber();
    if (number.isPresent()) {
      Optional<StoredCrl> mine = crls.lastSaved().filter(c -> c.number().equals(number.get()));
      StoredCrl c = mine.isPresent() ? mine.get() : store.latestCrl().orElse(null);
      if (c != null) {
        Instant half = c.thisUpdate().plus(Duration.between(c.thisUpdate(), c.nextUpdate()).dividedBy(2));
        if (now().isBefore(half) && c.revocationsThrough() >= store.lastRevocationSequence()) {
          return c;
        }
      }
    }
    return publishCrl();
  }

  // ----------------------------------------------------------------------------------------------- audit

  public AuditChain.Verdict verifyAudit() {
    AuditChain.Verifier v = new AuditChain.Verifier();
    store.forEachAudit(v);
    return v.verdict();
  }

  /** Finishes the CRL publication in progress, if any, then closes the store. */
  @Override
  public void close() {
    try {
      crls.close();
    } finally {
      store.close();
    }
  }
}
