package dev.padlock.tls.trace;

import dev.padlock.tls.TlsIdentity;
import dev.padlock.tls.diagnose.FailureCause;
import dev.padlock.tls.trace.HandshakeTrace.ChainVerdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The client side of a traced handshake: what we offer (padlock's safe defaults: TLS 1.3 and 1.2,
 * AEAD suites with ECDHE only), how we judge the server's chain, and which certificate we answer a
 * CertificateRequest with. It records what the stack tells it along the way.
 */
final class TracingClient extends DefaultTlsClient {
  private final JcaTlsCrypto jcaCrypto;
  private final HandshakeTracer.Offer offer;
  private final String serverName;
  private final List<String> applicationProtocols;
  private final TlsIdentity identity;
  private final ServerChainCheck chainCheck;
  private final String nameToCheck;
  private final Clock clock;
  private final Recording recording;

  // What the stack told us.
  ProtocolVersion serverVersion;
  Integer cipherSuite;
  byte[] sessionId;
  String alpn;
  Boolean extendedMasterSecret;
  final List<X509Certificate> serverChain = new ArrayList<>();
  ChainVerdict verdict;
  Map<X509Certificate, String> revocationNotes = Map.of();
  String clientCertificateSent;
  String clientCertificateNote;
  String alertRaised;
  String alertRaisedMessage;
  String alertReceived;

  TracingClient(JcaTlsCrypto crypto, HandshakeTracer.Offer offer, String serverName,
      List<String> applicationProtocols, TlsIdentity identity, ServerChainCheck chainCheck,
      String nameToCheck, Clock clock, Recording recording) {
    super(crypto);
    this.jcaCrypto = crypto;
    this.offer = offer;
    this.serverName = serverName;
    this.applicationProtocols = applicationProtocols;
    this.identity = identity;
    this.chainCheck = chainCheck;
    this.nameToCheck = nameToCheck;
    this.clock = clock;
    this.recording = recording;
  }

  // ---------------------------------------------------------------------------------------------
  // What we offer

  @Override
  protected ProtocolVersion[] getSupportedVersions() {
    return switch (offer) {
      case TLS_1_3_AND_1_2 -> ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);
      case TLS_1_3_ONLY -> new ProtocolVersion[] {ProtocolVersion.TLSv13};
      case TLS_1_2_ONLY -> new ProtocolVersion[] {ProtocolVersion.TLSv12};
    };
  }

  @Override
  protected int[] getSupportedCipherSuites() {
    return TlsUtils.getSupportedCipherSuites(getCrypto(), ClientOffer.cipherSuites(offer));
  }

  @Override
  protected Vector<Integer> getSupportedGroups(@SuppressWarnings("rawtypes") Vector namedGroupRoles) {
    Vector<Integer> groups = new Vector<>();
    for (int g : ClientOffer.GROUPS) {
      if (getCrypto().hasNamedGroup(g)) {
        groups.add(g);
      }
    }
    return groups;
  }

  @Override
  protected Vector<SignatureAndHashAlgorithm> getSupportedSignatureAlgorithms() {
    Vector<SignatureAndHashAlgorithm> algs = new Vector<>();
    for (SignatureAndHashAlgorithm a : ClientOffer.SIGNATURE_ALGORITHMS) {
      if (getCrypto().hasSignatureAndHashAlgorithm(a)) {
        algs.add(a);
      }
    }
    return algs;
  }

  @Override
  protected Vector<ServerName> getSNIServerNames() {
    if (serverName == null) {
      return null;
    }
    Vector<ServerName> names = new Vector<>();
    names.add(new ServerName(NameType.host_name, serverName.getBytes(StandardCharsets.US_ASCII)));
    return names;
  }

  @Override
  protected Vector<ProtocolName> getProtocolNames() {
    if (applicationProtocols.isEmpty()) {
      return null;
    }
    Vector<ProtocolName> names = new Vector<>();
    for (String p : applicationProtocols) {
      names.add(ProtocolName.asUtf8Encoding(p));
    }
    return names;
  }

  // ---------------------------------------------------------------------------------------------
  // What the stack tells us

  @Override
  public void notifyServerVersion(ProtocolVersion version) throws IOException {
    super.notifyServerVersion(version);
    this.serverVersion = version;
  }

  @Override
  public void notifySessionID(byte[] id) {
    super.notifySessionID(id);
    this.sessionId = id == null ? null : id.clone();
  }

  @Override
  public void notifySelectedCipherSuite(int suite) {
    super.notifySelectedCipherSuite(suite);
    this.cipherSuite = suite;
  }

  @Override
  public void processServerExtensions(@SuppressWarnings("rawtypes") Hashtable extensions)
      throws IOException {
    super.processServerExtensions(extensions);
    if (extensions == null) {
      return;
    }
    ProtocolName selected = TlsExtensionsUtils.getALPNExtensionServer(extensions);
    if (selected != null) {
      this.alpn = selected.getUtf8Decoding();
    }
    if (serverVersion != null && !TlsUtils.isTLSv13(serverVersion)) {
      this.extendedMasterSecret = TlsExtensionsUtils.hasExtendedMasterSecretExtension(extensions);
    }
  }

  @Override
  public void notifyAlertRaised(short level, short description, String message, Throwable cause) {
    super.notifyAlertRaised(level, description, message, cause);
    if (description != AlertDescription.close_notify) {
      this.alertRaised = TlsNames.alertDescription(description);
      this.alertRaisedMessage = message != null ? message
          : cause != null ? String.valueOf(cause.getMessage()) : null;
    }
  }

  @Override
  public void notifyAlertReceived(short level, short description) {
    super.notifyAlertReceived(level, description);
    if (description != AlertDescription.close_notify) {
      this.alertReceived = TlsNames.alertDescription(description);
    }
  }

  @Override
  public void notifyHandshakeComplete() throws IOException {
    super.notifyHandshakeComplete();
    recording.handshakeComplete();
  }

  // ---------------------------------------------------------------------------------------------
  // Authentication: the server's chain, and our certificate

  @Override
  public TlsAuthentication getAuthentication() {
    return new TlsAuthentication() {
      @Override
      public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
        judgeServerChain(serverCertificate);
      }

      @Override
      public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
        return credentialsFor(request);
      }
    };
  }

  private void judgeServerChain(TlsServerCertificate serverCertificate) throws IOException {
    for (TlsCertificate tc : serverCertificate.getCertificate().getCertificateList()) {
      try {
        serverChain.add(CertificateDecoding.x509(tc.getEncoded()));
      } catch (CertificateException e) {
        verdict = new ChainVerdict(false,
            Optional.of(FailureCause.PEER_CERTIFICATE_UNTRUSTED),
            "the server sent an unreadable certificate: " + e.getMessage());
        throw new TlsFatalAlert(AlertDescription.bad_certificate, e);
      }
    }
    ServerChainCheck.Result result = chainCheck.check(serverChain, nameToCheck, clock.instant());
    verdict = result.verdict();
    revocationNotes = result.revocation();
    if (!verdict.trusted()) {
      // Verification throws: the handshake stops here. The peer learns only "certificate unknown";
      // the trace shows the detail.
      throw new TlsFatalAlert(AlertDescription.certificate_unknown, verdict.detail());
    }
  }

  private TlsCredentials credentialsFor(CertificateRequest request) throws IOException {
    if (identity == null) {
      clientCertificateNote = "requested, none configured: sent an empty Certificate";
      return null;
    }
    boolean tls13 = TlsUtils.isTLSv13(context);
    Optional<SignatureAndHashAlgorithm> scheme = ClientSignatureChoice.choose(
        identity.privateKey(), request.getSupportedSignatureAlgorithms(), tls13);
    if (scheme.isEmpty()) {
      clientCertificateNote = "requested, but none of the server's signature algorithms fits our "
          + identity.privateKey().getAlgorithm() + " key: sent an empty Certificate";
      return null;
    }
    TlsCertificate[] chain = new TlsCertificate[identity.chain().size()];
    try {
      for (int i = 0; i < chain.length; i++) {
        chain[i] = jcaCrypto.createCertificate(identity.chain().get(i).getEncoded());
      }
    } catch (CertificateEncodingException e) {
      throw new TlsFatalAlert(AlertDescription.internal_error, e);
    }
    Certificate certificate;
    if (tls13) {
      CertificateEntry[] entries = new CertificateEntry[chain.length];
      for (int i = 0; i < chain.length; i++) {
        entries[i] = new CertificateEntry(chain[i], null);
      }
      certificate = new Certificate(request.getCertificateRequestContext(), entries);
    } else {
      certificate = new Certificate(chain);
    }
    clientCertificateSent = identity.certificate().getSubjectX500Principal().getName();
    return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), jcaCrypto,
        identity.privateKey(), certificate, scheme.get());
  }
}
