package dev.padlock.tls.trace;

import dev.padlock.tls.trace.HandshakeTrace.Field;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientHello;
import org.bouncycastle.tls.DigitallySigned;
import org.bouncycastle.tls.ECCurveType;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.KeyShareEntry;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerHello;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;

/**
 * Decodes the fields of handshake messages for display, with Bouncy Castle's TLS parsers ({@link
 * ClientHello#parse}, {@link ServerHello#parse}, {@link CertificateRequest#parse}, {@link
 * Certificate#parse}, {@link DigitallySigned#parse}, {@link TlsExtensionsUtils}); only the framing
 * of a few key-exchange messages is read here, with {@link TlsUtils}' readers. Certificates are read
 * by the JDK. Decoding never throws: a message that does not decode gets a {@code decode_error}
 * field, and the TLS stack decides what to do about it.
 */
final class MessageDecoder {

  /** A decoded message: its name (the RFC's) and its fields. */
  record Decoded(String name, List<Field> fields) {}

  private final TlsContext context;

  MessageDecoder(TlsContext context) {
    this.context = context;
  }

  Decoded decode(short type, byte[] body) {
    String name = TlsNames.handshakeMessage(type);
    List<Field> fields = new ArrayList<>();
    try {
      switch (type) {
        case HandshakeType.client_hello -> clientHello(body, fields);
        case HandshakeType.server_hello -> {
          ServerHello sh = ServerHello.parse(new ByteArrayInputStream(body));
          if (sh.isHelloRetryRequest()) {
            name = "HelloRetryRequest";
          }
          serverHello(sh, fields);
        }
        case HandshakeType.encrypted_extensions -> encryptedExtensions(body, fields);
        case HandshakeType.certificate -> certificate(body, fields);
        case HandshakeType.server_key_exchange -> serverKeyExchange(body, fields);
        case HandshakeType.certificate_request -> certificateRequest(body, fields);
        case HandshakeType.client_key_exchange -> clientKeyExchange(body, fields);
        case HandshakeType.certificate_verify -> certificateVerify(body, fields);
        case HandshakeType.finished -> fields.add(Field.of("verify_data", bytes(body.length)));
        case HandshakeType.new_session_ticket -> newSessionTicket(body, fields);
        case HandshakeType.key_update ->
            fields.add(Field.of("request_update", body.length == 1 && body[0] == 1 ? "yes" : "no"));
        default -> { }
      }
    } catch (IOException | RuntimeException e) {
      fields.add(Field.of("decode_error", String.valueOf(e.getMessage())));
    }
    return new Decoded(name, fields);
  }

  private static void clientHello(byte[] body, List<Field> fields) throws IOException {
    ClientHello ch = ClientHello.parse(new ByteArrayInputStream(body), null);
    Hashtable<?, ?> ext = ch.getExtensions();
    ProtocolVersion[] versions = TlsExtensionsUtils.getSupportedVersionsExtensionClient(ext);
    fields.add(Field.of("versions", versions == null ? List.of(TlsNames.version(ch.getVersion()))
        : Arrays.stream(versions).map(TlsNames::version).toList()));
    fields.add(Field.of("cipher_suites",
        Arrays.stream(ch.getCipherSuites()).mapToObj(TlsNames::cipherSuite).toList()));
    int[] groups = TlsExtensionsUtils.getSupportedGroupsExtension(ext);
    fields.add(Field.of("groups", groups == null ? List.of()
        : Arrays.stream(groups).mapToObj(TlsNames::group).toList()));
    List<String> shares = new ArrayList<>();
    Vector<?> keyShares = TlsExtensionsUtils.getKeyShareClientHello(ext);
    if (keyShares != null) {
      for (Object o : keyShares) {
        KeyShareEntry k = (KeyShareEntry) o;
        shares.add(TlsNames.group(k.getNamedGroup()) + " (" + bytes(k.getKeyExchange().length) + ")");
      }
    }
    fields.add(Field.of("key_shares", shares));
    List<String> names = new ArrayList<>();
    Vector<?> serverNames = TlsExtensionsUtils.getServerNameExtensionClient(ext);
    if (serverNames != null) {
      for (Object o : serverNames) {
        names.add(new String(((ServerName) o).getNameData(), StandardCharsets.US_ASCII));
      }
    }
    fields.add(Field.of("server_name", names));
    fields.add(Field.of("alpn", protocolNames(TlsExtensionsUtils.getALPNExtensionClient(ext))));
    fields.add(Field.of("signature_algorithms",
        signatureAlgorithms(TlsExtensionsUtils.getSignatureAlgorithmsExtension(ext))));
    fields.add(Field.of("session_id", sessionId(ch.getSessionID())));
    fields.add(Field.of("extensions", extensionNames(ext)));
  }

  private static void serverHello(ServerHello sh, List<Field> fields) throws IOException {
    Hashtable<?, ?> ext = sh.getExtensions();
    ProtocolVersion selected = TlsExtensionsUtils.getSupportedVersionsExtensionServer(ext);
    fields.add(Field.of("version", TlsNames.version(selected != null ? selected : sh.getVersion())));
    fields.add(Field.of("cipher_suite", TlsNames.cipherSuite(sh.getCipherSuite())));
    if (sh.isHelloRetryRequest()) {
      int group = TlsExtensionsUtils.getKeyShareHelloRetryRequest(ext);
      if (group >= 0) {
        fields.add(Field.of("group", TlsNames.group(group)));
      }
    } else {
      KeyShareEntry share = TlsExtensionsUtils.getKeyShareServerHello(ext);
      if (share != null) {
        fields.add(Field.of("group", TlsNames.group(share.getNamedGroup())));
      }
    }
    fields.add(Field.of("session_id", sessionId(sh.getSessionID())));
    ProtocolName alpn = TlsExtensionsUtils.getALPNExtensionServer(ext);
    if (alpn != null) {
      fields.add(Field.of("alpn", alpn.getUtf8Decoding()));
    }
    fields.add(Field.of("extensions", extensionNames(ext)));
  }

  private static void encryptedExtensions(byte[] body, List<Field> fields) throws IOException {
    Hashtable<?, ?> ext = TracingClientProtocol.extensionsBlock(body);
    ProtocolName alpn = TlsExtensionsUtils.getALPNExtensionServer(ext);
    fields.add(Field.of("alpn", alpn == null ? "(none)" : alpn.getUtf8Decoding()));
    fields.add(Field.of("extensions", extensionNames(ext)));
  }

  private void certificate(byte[] body, List<Field> fields) throws IOException {
    Certificate c = Certificate.parse(context, new ByteArrayInputStream(body), null);
    byte[] requestContext = c.getCertificateRequestContext();
    if (requestContext != null && requestContext.length > 0) {
      fields.add(Field.of("request_context", HexFormat.of().formatHex(requestContext)));
    }
    List<String> subjects = new ArrayList<>();
    for (TlsCertificate tc : c.getCertificateList()) {
      subjects.add(subject(tc));
    }
    fields.add(Field.of("certificates", subjects));
  }

  private void serverKeyExchange(byte[] body, List<Field> fields) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(body);
    short curveType = TlsUtils.readUint8(in);
    if (curveType != ECCurveType.named_curve) {
      fields.add(Field.of("curve_type", Short.toString(curveType)));
      return;
    }
    fields.add(Field.of("group", TlsNames.group(TlsUtils.readUint16(in))));
    fields.add(Field.of("public_key", bytes(TlsUtils.readOpaque8(in, 1).length)));
    signed(DigitallySigned.parse(context, in), fields);
  }

  private void certificateRequest(byte[] body, List<Field> fields) throws IOException {
    CertificateRequest cr = CertificateRequest.parse(context, new ByteArrayInputStream(body));
    byte[] requestContext = cr.getCertificateRequestContext();
    if (requestContext != null && requestContext.length > 0) {
      fields.add(Field.of("request_context", HexFormat.of().formatHex(requestContext)));
    }
    short[] types = cr.getCertificateTypes();
    if (types != null) {
      List<String> names = new ArrayList<>();
      for (short t : types) {
        names.add(TlsNames.clientCertificateType(t));
      }
      fields.add(Field.of("certificate_types", names));
    }
    fields.add(Field.of("signature_algorithms",
        signatureAlgorithms(cr.getSupportedSignatureAlgorithms())));
    List<String> cas = new ArrayList<>();
    Vector<?> authorities = cr.getCertificateAuthorities();
    if (authorities != null) {
      for (Object o : authorities) {
        cas.add(new X500Principal(((X500Name) o).getEncoded()).getName());
      }
    }
    fields.add(Field.of("certificate_authorities", cas));
  }

  private static void clientKeyExchange(byte[] body, List<Field> fields) throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(body);
    fields.add(Field.of("public_key", bytes(TlsUtils.readOpaque8(in, 1).length)));
  }

  private void certificateVerify(byte[] body, List<Field> fields) throws IOException {
    signed(DigitallySigned.parse(context, new ByteArrayInputStream(body)), fields);
  }

  private static void newSessionTicket(byte[] body, List<Field> fields) throws IOException {
    long lifetime = TlsUtils.readUint32(new ByteArrayInputStream(body));
    fields.add(Field.of("lifetime", lifetime + " s"));
  }

  private static void signed(DigitallySigned ds, List<Field> fields) {
    SignatureAndHashAlgorithm alg = ds.getAlgorithm();
    if (alg != null) {
      fields.add(Field.of("signature_algorithm", TlsNames.signatureScheme(alg)));
    }
    fields.add(Field.of("signature", bytes(ds.getSignature().length)));
  }

  private static String subject(TlsCertificate tc) throws IOException {
    try {
      X509Certificate x = CertificateDecoding.x509(tc.getEncoded());
      return x.getSubjectX500Principal().getName();
    } catch (CertificateException e) {
      return "(unreadable certificate: " + e.getMessage() + ")";
    }
  }

  private static List<String> protocolNames(Vector<?> names) {
    List<String> out = new ArrayList<>();
    if (names != null) {
      for (Object o : names) {
        out.add(((ProtocolName) o).getUtf8Decoding());
      }
    }
    return out;
  }

  private static List<String> signatureAlgorithms(Vector<?> algs) {
    List<String> out = new ArrayList<>();
    if (algs != null) {
      for (Object o : algs) {
        out.add(TlsNames.signatureScheme((SignatureAndHashAlgorithm) o));
      }
    }
    return out;
  }

  private static List<String> extensionNames(Hashtable<?, ?> ext) {
    if (ext == null) {
      return List.of();
    }
    return ext.keySet().stream().map(k -> (Integer) k).sorted()
        .map(TlsNames::extension).toList();
  }

  private static String sessionId(byte[] id) {
    return id == null || id.length == 0 ? "(empty)" : HexFormat.of().formatHex(id);
  }

  static String bytes(int n) {
    return n + (n == 1 ? " byte" : " bytes");
  }
}
