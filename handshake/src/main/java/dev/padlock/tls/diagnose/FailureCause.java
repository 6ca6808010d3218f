package dev.padlock.tls.diagnose;

/**
 * Why a TLS handshake failed, as one named cause with a sentence that says how to fix it. The same
 * vocabulary serves both sides: {@code padlock probe} and {@code padlock verify} print it, and a
 * server built with {@code MutualTls} reports each refused handshake with it.
 *
 * <p>"Peer" is the other side of the handshake: the server when we are the client, the client when
 * we are the server. "Our certificate" is the one we presented and the peer refused (we learn that
 * from the TLS alert it sends, RFC 8446 section 6.2).
 */
public enum FailureCause {
  PROTOCOL_VERSION_MISMATCH("protocol version mismatch",
      "Enable a TLS version both sides support: padlock speaks TLS 1.3 and TLS 1.2."),
  NO_COMMON_CIPHER_SUITE("no common cipher suite",
      "Enable an AEAD cipher suite on both sides: TLS_AES_128_GCM_SHA256 (TLS 1.3) or "
          + "ECDHE with AES-GCM or ChaCha20-Poly1305 (TLS 1.2)."),
  PEER_CERTIFICATE_UNTRUSTED("peer certificate untrusted",
      "Trust the CA that issued the peer's certificate (add its root to the trust bundle), and have "
          + "the peer send its intermediates with its certificate."),
  PEER_CERTIFICATE_EXPIRED("peer certificate expired",
      "Renew the peer's certificate (and check that both clocks are right)."),
  PEER_CERTIFICATE_NOT_YET_VALID("peer certificate not yet valid",
      "Check the clocks on both machines, or wait until the certificate's notBefore time."),
  PEER_CERTIFICATE_WRONG_HOST("peer certificate is for another host name",
      "Connect with a name the certificate lists in its subjectAltName, or reissue the certificate "
          + "with the name you connect to."),
  PEER_CERTIFICATE_REVOKED("peer certificate revoked",
      "Issue the peer a new certificate and key; a revoked certificate is never valid again."),
  PEER_CERTIFICATE_WRONG_USAGE("peer certificate has the wrong key usage",
      "Reissue the certificate with extended key usage serverAuth (for servers) or clientAuth (for "
          + "clients), and key usage digitalSignature."),
  PEER_NOT_ALLOWED("peer not allowed by policy",
      "If this peer should connect, add one of its names (SAN DNS, URI, IP, email, or CN) to the "
          + "peer policy."),
  CLIENT_CERTIFICATE_REQUIRED("client certificate required but not sent",
      "Give the client a certificate and key issued by a CA the server trusts (--cert and --key)."),
  OUR_CERTIFICATE_UNTRUSTED("our certificate is not trusted by the peer",
      "Have the peer trust the CA that issued our certificate, and send our intermediates with it."),
  OUR_CERTIFICATE_REVOKED("our certificate was revoked, says the peer",
      "Get a new certificate and key for this side; the old one is revoked."),
  OUR_CERTIFICATE_EXPIRED("our certificate expired, says the peer",
      "Renew our certificate (and check the peer's clock)."),
  OUR_CERTIFICATE_REFUSED("our certificate was refused by the peer",
      "Check the peer's log for the reason: its trust bundle, its revocation data, the key usage, "
          + "or its access policy."),
  REVOCATION_UNAVAILABLE("revocation data unavailable",
      "Make the CRL or OCSP responder reachable (or configure one), or allow soft-fail if "
          + "availability matters more than revocation."),
  REVOCATION_STALE("revocation data stale",
      "Publish a fresh CRL (its nextUpdate has passed) or fix the OCSP responder; check the clocks."),
  NOTHING_LISTENING("nothing listening",
      "Check the host and port, and that the service is running and reachable through firewalls."),
  NOT_TLS("not TLS",
      "The port answers, but not with TLS: check the port, or whether the service expects plain "
          + "text or STARTTLS."),
  HANDSHAKE_FAILED("handshake failed",
      "See the detail; run 'padlock trace' to see the handshake step by step.");

  private final String summary;
  private final String fix;

  FailureCause(String summary, String fix) {
    this.summary = summary;
    this.fix = fix;
  }

  /** A stable lower-case code for scripts and logs, e.g. {@code peer-certificate-revoked}. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** A short lower-case description, e.g. "peer certificate revoked". */
  public String summary() {
    return summary;
  }

  /** One sentence saying how to fix it. */
  public String fix() {
    return fix;
  }

  /** Whether this cause is about the peer's certificate (as opposed to ours or the connection). */
  public boolean isAboutPeerCertificate() {
    return name().startsWith("PEER_") || this == REVOCATION_UNAVAILABLE || this == REVOCATION_STALE;
  }
}
