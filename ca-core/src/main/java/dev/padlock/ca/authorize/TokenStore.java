package dev.padlock.ca.authorize;

import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStore;
import java.time.Instant;
import java.util.Optional;

/**
 * Where enrollment tokens live, by hash. Narrow on purpose: save one, find one that can still be spent,
 * and spend one together with the certificate it pays for.
 */
public interface TokenStore {
  /** Stores a new token and its audit entry in one transaction. */
  void save(TokenGrant grant, AuditEvent event);

  /** The token with this hash if it is unused and unexpired at {@code now}; empty otherwise, whichever the reason. */
  Optional<TokenGrant> findRedeemable(String tokenHash, Instant now);

  /**
   * In one transaction: marks the token used if it is still unused and unexpired at {@code now} (a
   * conditional update, so of two concurrent callers exactly one wins), then stores the certificate and
   * its audit entry.
   *
   * @return false if the token could not be spent; then nothing was stored
   * @throws CertificateStore.DuplicateSerialException if the serial is taken (nothing stored; pick another)
   */
  boolean redeemAndRecord(String tokenHash, Instant now, CertificateRecord record, AuditEvent event);
}
