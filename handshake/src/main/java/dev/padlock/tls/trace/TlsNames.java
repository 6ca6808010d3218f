package dev.padlock.tls.trace;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.ContentType;
import org.bouncycastle.tls.ExtensionType;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.SignatureScheme;

/**
 * The IANA names of TLS code points, from Bouncy Castle's registries. Unknown values are shown as
 * hex, so a trace never hides what was on the wire.
 */
final class TlsNames {
  private static final Map<Integer, String> CIPHER_SUITES = cipherSuiteNames();

  private TlsNames() {}

  static String cipherSuite(int suite) {
    String name = CIPHER_SUITES.get(suite);
    return name != null ? name : hex4(suite);
  }

  static String group(int group) {
    String name = NamedGroup.getName(group);
    return known(name) ? name : hex4(group);
  }

  static String signatureScheme(int scheme) {
    String name = SignatureScheme.getName(scheme);
    return known(name) ? name : hex4(scheme);
  }

  static String signatureScheme(SignatureAndHashAlgorithm alg) {
    return signatureScheme(SignatureScheme.from(alg));
  }

  static String extension(int type) {
    String name = ExtensionType.getName(type);
    return known(name) ? name : hex4(type);
  }

  static String version(ProtocolVersion v) {
    if (v == null) {
      return "(none)";
    }
    return v.isTLS() || v.isSSL() ? v.getName() : hex4(v.getFullVersion());
  }

  static String alert(short level, short description) {
    String d = AlertDescription.getName(description);
    return AlertLevel.getName(level) + " " + (known(d) ? d : Integer.toString(description));
  }

  static String alertDescription(short description) {
    String d = AlertDescription.getName(description);
    return known(d) ? d : Integer.toString(description);
  }

  static String clientCertificateType(short type) {
    String name = ClientCertificateType.getName(type);
    return known(name) ? name : Integer.toString(type);
  }

  static String contentType(short type) {
    String name = ContentType.getName(type);
    return known(name) ? name : Integer.toString(type);
  }

  /**
   * The RFC spelling of a handshake message type, e.g. {@code ClientHello}, {@code
   * EncryptedExtensions}, {@code ServerHelloDone}.
   */
  static String handshakeMessage(short type) {
    return switch (type) {
      case HandshakeType.hello_request -> "HelloRequest";
      case HandshakeType.client_hello -> "ClientHello";
      case HandshakeType.server_hello -> "ServerHello";
      case HandshakeType.new_session_ticket -> "NewSessionTicket";
      case HandshakeType.end_of_early_data -> "EndOfEarlyData";
      case HandshakeType.encrypted_extensions -> "EncryptedExtensions";
      case HandshakeType.certificate -> "Certificate";
      case HandshakeType.server_key_exchange -> "ServerKeyExchange";
      case HandshakeType.certificate_request -> "CertificateRequest";
      case HandshakeType.server_hello_done -> "ServerHelloDone";
      case HandshakeType.certificate_verify -> "CertificateVerify";
      case HandshakeType.client_key_exchange -> "ClientKeyExchange";
      case HandshakeType.finished -> "Finished";
      case HandshakeType.certificate_status -> "CertificateStatus";
      case HandshakeType.supplemental_data -> "SupplementalData";
      case HandshakeType.key_update -> "KeyUpdate";
      case HandshakeType.compressed_certificate -> "CompressedCertificate";
      case HandshakeType.message_hash -> "MessageHash";
      default -> "Handshake(" + type + ")";
    };
  }

  static String hex4(int value) {
    return String.format(Locale.ROOT, "0x%04x", value & 0xffff);
  }

  private static boolean known(String name) {
    return name != null && !name.startsWith("UNKNOWN");
  }

  /** CipherSuite's constants by value; where several names share a value, the shortest wins. */
  private static Map<Integer, String> cipherSuiteNames() {
    Map<Integer, String> names = new HashMap<>();
    for (Field f : CipherSuite.class.getFields()) {
      int mod = f.getModifiers();
      if (!Modifier.isStatic(mod) || f.getType() != int.class || !f.getName().startsWith("TLS_")) {
        continue;
      }
      try {
        int value = f.getInt(null);
        names.merge(value, f.getName(), (a, b) -> a.length() <= b.length() ? a : b);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    return Map.copyOf(names);
  }
}
