package dev.padlock.tls.internal;

import dev.padlock.tls.TlsIdentity;
import dev.padlock.tls.reload.Reloadable;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * padlock's key manager: offers the current identity of a {@link Reloadable}. The alias names the
 * identity's generation ("padlock-7"), so a handshake that chose an alias gets that version's chain
 * and key even if a reload swaps in a new identity meanwhile.
 *
 * <p>A server that must require client certificates refuses to serve its certificate on a socket or
 * engine that does not ask for one (fail closed: a framework that replaced padlock's SSL parameters
 * would otherwise accept anonymous clients).
 */
public final class PadlockKeyManager extends X509ExtendedKeyManager {
  private static final System.Logger LOG = System.getLogger("dev.padlock.tls.handshake");
  private static final String PREFIX = "padlock-";

  private final Reloadable<TlsIdentity> identity;
  private final Clock clock;
  private final boolean requireClientAuth;
  private final AtomicInteger certificateRequests = new AtomicInteger();
  private final UnaryOperator<PrivateKey> keyForProvider;
  /** The last identity's key as the TLS provider wants it, converted once per identity. */
  private volatile ProviderKey providerKey;

  private record ProviderKey(TlsIdentity identity, PrivateKey key) {}

  /** @param identity null for a client without a certificate */
  public PadlockKeyManager(Reloadable<TlsIdentity> identity, Clock clock, boolean requireClientAuth) {
    this(identity, clock, requireClientAuth, UnaryOperator.identity());
  }

  /**
   * @param keyForProvider the identity's private key in the form the TLS provider computes with
   *     fastest (applied once per identity, never per handshake)
   */
  public PadlockKeyManager(Reloadable<TlsIdentity> identity, Clock clock, boolean requireClientAuth,
      UnaryOperator<PrivateKey> keyForProvider) {
    this.identity = identity;
    this.clock = clock;
    this.requireClientAuth = requireClientAuth;
    this.keyForProvider = keyForProvider;
  }

  /** How often a server asked this (client) key manager for a certificate. */
  public int certificateRequests() {
    return certificateRequests.get();
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    certificateRequests.incrementAndGet();
    return clientAlias(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    certificateRequests.incrementAndGet();
    return clientAlias(keyTypes);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    if (requireClientAuth && socket instanceof SSLSocket s && !s.getNeedClientAuth()) {
      return refuseAnonymous();
    }
    return alias(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    if (requireClientAuth && engine != null && !engine.getNeedClientAuth()) {
      return refuseAnonymous();
    }
    return alias(keyType);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    String a = alias(keyType);
    return a == null ? null : new String[] {a};
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    TlsIdentity id = byAlias(alias);
    return id == null ? null : id.chain().toArray(X509Certificate[]::new);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    TlsIdentity id = byAlias(alias);
    if (id == null) {
      return null;
    }
    ProviderKey k = providerKey;
    if (k == null || k.identity() != id) {
      k = new ProviderKey(id, keyForProvider.apply(id.privateKey()));
      providerKey = k;
    }
    return k.key();
  }

  private String clientAlias(String[] keyTypes) {
    if (keyTypes == null) {
      return null;
    }
    for (String t : keyTypes) {
      String a = alias(t);
      if (a != null) {
        return a;
      }
    }
    return null;
  }

  private String alias(String keyType) {
    if (identity == null) {
      return null;
    }
    Reloadable.Version<TlsIdentity> v = identity.current(clock.instant());
    return keyTypeMatches(v.value().privateKey(), keyType) ? PREFIX + v.generation() : null;
  }

  private TlsIdentity byAlias(String alias) {
    if (identity == null || alias == null || !alias.startsWith(PREFIX)) {
      return null;
    }
    try {
      Reloadable.Version<TlsIdentity> v =
          identity.byGeneration(Long.parseLong(alias.substring(PREFIX.length())));
      return v == null ? identity.peek().value() : v.value();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String refuseAnonymous() {
    LOG.log(System.Logger.Level.ERROR, "refusing a handshake: this server must require client "
        + "certificates, but the socket or engine does not ask for one; apply "
        + "MutualTls.sslParameters() (or setNeedClientAuth(true)) where the engine is configured");
    return null;
  }

  /**
   * Does a key fit the key type the TLS stack asks for? SunJSSE asks "EC", "RSA", "RSASSA-PSS",
   * "EdDSA"; Bouncy Castle's JSSE also "EC/secp256r1" (TLS 1.3, with the curve), "ECDHE_ECDSA",
   * "ECDHE_RSA", "Ed25519".
   */
  static boolean keyTypeMatches(java.security.PrivateKey key, String keyType) {
    if (keyType == null) {
      return false;
    }
    int slash = keyType.indexOf('/');
    if (slash > 0) {
      return keyTypeMatches(key.getAlgorithm(), keyType.substring(0, slash))
          && keyType.substring(slash + 1).equals(curveName(key));
    }
    return keyTypeMatches(key.getAlgorithm(), keyType);
  }

  /** The NIST prime curve of an EC key, by its field size: "secp256r1", "secp384r1", ... */
  private static String curveName(java.security.PrivateKey key) {
    if (key instanceof java.security.interfaces.ECKey ec) {
      return switch (ec.getParams().getCurve().getField().getFieldSize()) {
        case 256 -> "secp256r1";
        case 384 -> "secp384r1";
        case 521 -> "secp521r1";
        default -> "unknown";
      };
    }
    return "not-ec";
  }

  static boolean keyTypeMatches(String keyAlgorithm, String keyType) {
    if (keyType == null) {
      return false;
    }
    String k = family(keyAlgorithm);
    String t = keyType.toUpperCase(Locale.ROOT);
    return switch (k) {
      case "EC" -> t.equals("EC") || t.contains("ECDSA") || t.equals("EC_EC");
      case "RSA" -> t.equals("RSA") || t.startsWith("RSASSA-PSS") || t.endsWith("_RSA")
          || t.equals("RSA_PSS_RSAE");
      case "ED" -> t.startsWith("ED");
      default -> t.equalsIgnoreCase(keyAlgorithm);
    };
  }

  private static String family(String alg) {
    String a = alg.toUpperCase(Locale.ROOT);
    if (a.equals("EC") || a.equals("ECDSA")) {
      return "EC";
    }
    if (a.equals("RSA")) {
      return "RSA";
    }
    if (a.startsWith("ED")) {
      return "ED";
    }
    return a;
  }
}
