package dev.padlock.tls.internal;

import dev.padlock.tls.diagnose.Diagnosis;
import dev.padlock.tls.diagnose.FailureCause;
import dev.padlock.tls.diagnose.PeerCertificateException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the cause of a failed handshake from what the TLS stack threw: our own trust manager's
 * {@link PeerCertificateException}, the TLS alert the peer sent (RFC 8446 section 6.2), or the local
 * error of the JDK's (or Bouncy Castle's) TLS implementation.
 */
public final class Classifier {
  private static final Pattern ALERT = Pattern.compile("[Rr]eceived fatal alert: ?\\(?([a-z_]+)");

  private Classifier() {}

  public static Diagnosis classify(Throwable failure) {
    Optional<PeerCertificateException> ours = peerCertificateException(failure);
    if (ours.isPresent()) {
      return new Diagnosis(ours.get().failureCause(), ours.get().detail());
    }
    Optional<String> alert = receivedAlert(failure);
    if (alert.isPresent()) {
      return new Diagnosis(alertCause(alert.get()), "the peer sent alert " + alert.get());
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof org.bouncycastle.tls.TlsFatalAlert local
          && !(t instanceof org.bouncycastle.tls.TlsFatalAlertReceived)) {
        String name = org.bouncycastle.tls.AlertDescription.getName(local.getAlertDescription());
        FailureCause c = switch (name) {
          case "protocol_version" -> FailureCause.PROTOCOL_VERSION_MISMATCH;
          case "certificate_required" -> FailureCause.CLIENT_CERTIFICATE_REQUIRED;
          // TLS 1.2: Bouncy Castle's server answers an empty client Certificate message with a bare
          // handshake_failure, raised where it is told of the client's certificate.
          case "handshake_failure" -> raisedIn(local, "notifyClientCertificate")
              ? FailureCause.CLIENT_CERTIFICATE_REQUIRED : null;
          default -> null;
        };
        if (c != null) {
          return new Diagnosis(c, "local alert " + name + ": " + local.getMessage());
        }
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException) {
        return new Diagnosis(FailureCause.NOTHING_LISTENING, t.toString());
      }
      if (t instanceof SocketTimeoutException) {
        return new Diagnosis(FailureCause.NOT_TLS, "no TLS answer in time (" + t.getMessage() + ")");
      }
      String m = String.valueOf(t.getMessage());
      String lower = m.toLowerCase(Locale.ROOT);
      if (lower.contains("no cipher suites in common") || lower.contains("no common cipher")
          || lower.contains("no appropriate cipher suite")
          || lower.contains("no selectable cipher suite")) {
        return new Diagnosis(FailureCause.NO_COMMON_CIPHER_SUITE, m);
      }
      if (lower.contains("protocol version") || lower.contains("client requested protocol")
          || lower.contains("not accepted by server preferences")
          || lower.contains("not accepted by client preferences")
          || lower.contains("no appropriate protocol")) {
        return new Diagnosis(FailureCause.PROTOCOL_VERSION_MISMATCH, m);
      }
      if (lower.contains("empty client certificate chain")
          || lower.contains("empty server certificate chain")
          || lower.contains("client certificate required")
          || lower.contains("no client certificate")) {
        return new Diagnosis(FailureCause.CLIENT_CERTIFICATE_REQUIRED, m);
      }
      if (lower.contains("unrecognized ssl message") || lower.contains("plaintext connection")
          || lower.contains("not an ssl/tls record") || lower.contains("unsupported or unrecognized")
          || lower.contains("unsupported unknown(")) { // Bouncy Castle: a record of no known content type
        return new Diagnosis(FailureCause.NOT_TLS, m);
      }
      if (t instanceof EOFException || lower.contains("remote host terminated the handshake")
          || lower.contains("connection reset")) {
        return new Diagnosis(FailureCause.HANDSHAKE_FAILED,
            "the peer closed the connection during the handshake");
      }
    }
    return new Diagnosis(FailureCause.HANDSHAKE_FAILED, String.valueOf(failure.getMessage()));
  }

  /** Whether {@code t} was thrown by a method of this name (Bouncy Castle names its steps so). */
  private static boolean raisedIn(Throwable t, String method) {
    StackTraceElement[] stack = t.getStackTrace();
    return stack.length > 0 && stack[0].getMethodName().equals(method);
  }

  public static Optional<PeerCertificateException> peerCertificateException(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PeerCertificateException p) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The name of the fatal alert the peer sent, e.g. "unknown_ca", if that is what failed. */
  public static Optional<String> receivedAlert(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof org.bouncycastle.tls.TlsFatalAlertReceived r) {
        return Optional.of(org.bouncycastle.tls.AlertDescription.getName(r.getAlertDescription()));
      }
      Matcher m = ALERT.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }

  /** What an alert from the peer says about the handshake. */
  public static FailureCause alertCause(String alert) {
    return switch (alert) {
      case "protocol_version" -> FailureCause.PROTOCOL_VERSION_MISMATCH;
      case "certificate_required" -> FailureCause.CLIENT_CERTIFICATE_REQUIRED;
      case "unknown_ca" -> FailureCause.OUR_CERTIFICATE_UNTRUSTED;
      case "certificate_revoked" -> FailureCause.OUR_CERTIFICATE_REVOKED;
      case "certificate_expired" -> FailureCause.OUR_CERTIFICATE_EXPIRED;
      case "bad_certificate", "certificate_unknown", "unsupported_certificate", "access_denied",
          "bad_certificate_status_response" -> FailureCause.OUR_CERTIFICATE_REFUSED;
      default -> FailureCause.HANDSHAKE_FAILED;
    };
  }
}
