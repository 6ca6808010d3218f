package dev.padlock.tls.revocation;

import java.math.BigInteger;
import java.time.Instant;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;

/**
 * A CRL (RFC 5280 section 5) as padlock keeps it: who issued it, its times and number, the revoked
 * serials packed for lookup, and what is needed to check its signature. The to-be-signed bytes are
 * kept only until the signature has been checked.
 */
public record ParsedCrl(X500Principal issuer, Instant thisUpdate, Instant nextUpdate,
    BigInteger crlNumber, byte[] authorityKeyId, RevokedSerials revoked,
    AlgorithmIdentifier signatureAlgorithm, byte[] signature, byte[] tbs) {

  /** The same CRL without its to-be-signed bytes (after its signature was checked). */
  public ParsedCrl withoutTbs() {
    return new ParsedCrl(issuer, thisUpdate, nextUpdate, crlNumber, authorityKeyId, revoked,
        signatureAlgorithm, signature, null);
  }

  @Override
  public String toString() {
    return "CRL of " + issuer.getName() + " #" + crlNumber + " (" + revoked.size()
        + " entries, thisUpdate " + thisUpdate + ", nextUpdate " + nextUpdate + ")";
  }
}
