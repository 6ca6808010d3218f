package dev.padlock.ca.store;

import java.math.BigInteger;
import java.time.Instant;

/**
 * The latest CRL of the issuing CA, as signed.
 *
 * @param revocationsThrough the store sequence of the last revocation it lists (see {@link
 *     CertificateStore#forEachRevokedSince}); {@link Long#MIN_VALUE} if unknown
 */
public record StoredCrl(BigInteger number, Instant thisUpdate, Instant nextUpdate, byte[] der,
    long revocationsThrough) {

  /** A CRL whose coverage of the store's revocations is unknown. */
  public StoredCrl(BigInteger number, Instant thisUpdate, Instant nextUpdate, byte[] der) {
    this(number, thisUpdate, nextUpdate, der, Long.MIN_VALUE);
  }
}
