package dev.padlock.ca.store;

import java.math.BigInteger;
import java.time.Instant;

/** The latest CRL of the issuing CA, as signed. */
public record StoredCrl(BigInteger number, Instant thisUpdate, Instant nextUpdate, byte[] der) {}
