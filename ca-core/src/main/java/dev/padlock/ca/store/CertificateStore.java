package dev.padlock.ca.store;

import dev.padlock.ca.PadlockException;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.audit.AuditEntry;
import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.revoke.RevocationReason;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the CA keeps what it issued and revoked, its CRL and its audit log. Every write is durable when
 * the method returns, and each writes its audit entry in the same transaction. Concurrent writes may
 * share a transaction (group commit); each still returns only once its own write is committed.
 */
public interface CertificateStore extends AutoCloseable {

  /**
   * Stores a new certificate and its audit entry in one transaction.
   *
   * @throws DuplicateSerialException if the serial is taken (the caller picks another)
   */
  void recordIssued(CertificateRecord record, AuditEvent event);

  Optional<CertificateRecord> find(SerialNumber serial);

  List<CertificateRecord> list(CertificateQuery query);

  /**
   * Marks a certificate revoked and writes the audit entry, in one transaction.
   *
   * @throws PadlockException {@code UNKNOWN_SERIAL} or {@code ALREADY_REVOKED}
   */
  CertificateRecord revoke(SerialNumber serial, RevocationReason reason, Instant at, AuditEvent event);

  /** Streams every revoked certificate (for building a CRL) without loading them all at once. */
  default void forEachRevoked(Consumer<RevokedEntry> sink) {
    forEachRevokedSince(Long.MIN_VALUE, sink);
  }

  /**
   * Streams the revocations committed after the one with sequence {@code after}, in commit order, and
   * returns the sequence of the last one streamed ({@code after} if none). A revocation committed later
   * always has a higher sequence, so passing the returned value next time streams exactly what was revoked
   * since, whichever process revoked it.
   */
  long forEachRevokedSince(long after, Consumer<RevokedEntry> sink);

  Optional<StoredCrl> latestCrl();

  /** The number of the latest CRL, without reading the CRL itself. */
  Optional<BigInteger> latestCrlNumber();

  /**
   * The sequence of the last revocation committed ({@link Long#MIN_VALUE} if none): a CRL whose {@link
   * StoredCrl#revocationsThrough()} is below it does not list every revocation.
   */
  long lastRevocationSequence();

  /**
   * Saves a CRL if its number is above the stored one's.
   *
   * @return false if another CRL with this number or a higher one was saved first
   */
  boolean saveCrl(StoredCrl crl);

  /** The number the next CRL must carry: one above the latest. */
  default BigInteger nextCrlNumber() {
    return latestCrlNumber().map(n -> n.add(BigInteger.ONE)).orElse(BigInteger.ONE);
  }

  /** Appends an audit entry on its own (for events that store nothing else). */
  void appendAudit(AuditEvent event);

  /** Streams the audit log in order. */
  void forEachAudit(Consumer<AuditEntry> sink);

  @Override
  void close();

  /** Thrown by {@link #recordIssued} when the serial exists: astronomically rare with random serials. */
  final class DuplicateSerialException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DuplicateSerialException(SerialNumber serial) {
      super("serial " + serial + " is taken");
    }
  }
}
