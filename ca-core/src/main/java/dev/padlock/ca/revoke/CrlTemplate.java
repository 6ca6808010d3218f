package dev.padlock.ca.revoke;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.issue.CertificateTemplate;
import dev.padlock.ca.sign.CaSigner;
import dev.padlock.ca.store.RevokedEntry;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;

/**
 * What is signed for a CRL (RFC 5280 §5): a full v2 CRL of the issuing CA with its CRL number, AKI,
 * thisUpdate/nextUpdate, and one entry per revoked certificate with its reason code (absent when
 * unspecified, as §5.3.1 recommends).
 */
public final class CrlTemplate implements java.util.function.Consumer<RevokedEntry> {
  private final X509v2CRLBuilder builder;
  private int entries;

  public CrlTemplate(X509CertificateHolder issuer, BigInteger number, Instant thisUpdate, Instant nextUpdate) {
    builder = new X509v2CRLBuilder(issuer.getSubject(), Date.from(thisUpdate));
    builder.setNextUpdate(Date.from(nextUpdate));
    try {
      builder.addExtension(Extension.cRLNumber, false, new CRLNumber(number));
      builder.addExtension(Extension.authorityKeyIdentifier, false,
          CertificateTemplate.authorityKeyIdentifier(issuer));
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot build CRL extensions", e);
    }
  }

  @Override
  public void accept(RevokedEntry e) {
    if (e.reason() == RevocationReason.UNSPECIFIED) {
      builder.addCRLEntry(e.serial().value(), Date.from(e.revokedAt()), (org.bouncycastle.asn1.x509.Extensions) null);
    } else {
      builder.addCRLEntry(e.serial().value(), Date.from(e.revokedAt()), e.reason().code());
    }
    entries++;
  }

  public int entries() {
    return entries;
  }

  public X509CRLHolder sign(CaSigner signer) {
    return builder.build(signer.newContentSigner());
  }
}
