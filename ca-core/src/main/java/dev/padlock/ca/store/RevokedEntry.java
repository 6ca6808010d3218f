package dev.padlock.ca.store;

import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.revoke.RevocationReason;
import java.time.Instant;

/** One line of a CRL. */
public record RevokedEntry(SerialNumber serial, Instant revokedAt, RevocationReason reason) {}
