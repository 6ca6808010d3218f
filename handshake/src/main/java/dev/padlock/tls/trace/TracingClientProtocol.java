package dev.padlock.tls.trace;

import dev.padlock.tls.trace.HandshakeTrace.Direction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.ContentType;
import org.bouncycastle.tls.TlsClientProtocol;

/**
 * Bouncy Castle's blocking TLS client, with two taps: every record's plaintext as the stack
 * processes it ({@link #processRecord}, after decryption) or sends it ({@link #writeRecord}, before
 * encryption). It changes nothing in what is sent or checked.
 */
final class TracingClientProtocol extends TlsClientProtocol {
  private final Recording recording;
  private boolean closeNotifySent;

  TracingClientProtocol(InputStream input, OutputStream output, Recording recording) {
    super(input, output);
    this.recording = recording;
  }

  @Override
  protected void processRecord(short protocol, byte[] buf, int off, int len) throws IOException {
    // The record was read whole just now: it is the last one on the wire from the server.
    Recording.WireRecord carrier = recording.lastWire(Direction.SERVER_TO_CLIENT, 0);
    recording.plaintext(Direction.SERVER_TO_CLIENT, protocol, Arrays.copyOfRange(buf, off, off + len),
        carrier, new MessageDecoder(getContext()));
    super.processRecord(protocol, buf, off, len);
  }

  @Override
  protected void writeRecord(short type, byte[] buf, int off, int len) throws IOException {
    boolean closeNotify = type == ContentType.alert && len == 2 && buf[off] == AlertLevel.warning
        && buf[off + 1] == AlertDescription.close_notify;
    if (closeNotify && closeNotifySent) {
      // We closed first (closeAfterHandshake); the stack answers the server's close_notify with
      // another, which the connection does not need.
      return;
    }
    closeNotifySent |= closeNotify;
    byte[] plaintext = Arrays.copyOfRange(buf, off, off + len);
    int before = recording.wireCount();
    try {
      super.writeRecord(type, buf, off, len);
    } finally {
      // The record went out whole inside super.writeRecord (or not at all, if the write failed).
      recording.plaintext(Direction.CLIENT_TO_SERVER, type, plaintext,
          recording.lastWire(Direction.CLIENT_TO_SERVER, before), new MessageDecoder(getContext()));
    }
  }

  /**
   * Sends close_notify without closing our side for reading, so that what the server sends after
   * the handshake (TLS 1.3 session tickets, or the alert refusing our certificate, which in TLS 1.3
   * comes after our Finished) can still be read and decrypted.
   */
  void sendCloseNotify() throws IOException {
    raiseAlertWarning(AlertDescription.close_notify, "trace complete");
  }

  /** An extensions block (RFC 8446 section 4.2), as in EncryptedExtensions, parsed by the stack. */
  static Hashtable<?, ?> extensionsBlock(byte[] body) throws IOException {
    return readExtensions(new ByteArrayInputStream(body));
  }
}
