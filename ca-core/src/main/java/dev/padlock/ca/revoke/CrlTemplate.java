package dev.padlock.ca.revoke;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.issue.CertificateTemplate;
import dev.padlock.ca.sign.CaSigner;
import dev.padlock.ca.store.RevokedEntry;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.function.Consumer;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERGeneralizedTime;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERUTCTime;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.CertificateList;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.TBSCertList;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V2TBSCertListGenerator;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;

/**
 * What is signed for a CRL (RFC 5280 §5): a full v2 CRL of the issuing CA with its CRL number, AKI,
 * thisUpdate/nextUpdate, and one entry per revoked certificate with its reason code (absent when
 * unspecified, as §5.3.1 recommends).
 *
 * <p>Built with Bouncy Castle's {@link V2TBSCertListGenerator}, as {@code X509v2CRLBuilder} builds it, with
 * two costs taken out. An entry's revocation date is encoded with one date format, where {@code
 * X509v2CRLBuilder.addCRLEntry(.., Date, ..)} formats it and parses it back ({@code new Time(Date)}: two
 * {@code SimpleDateFormat}s per entry, 65% of a large CRL's build); and the reason-code extensions are made
 * once, not per entry. Entries of an earlier CRL built here can be added as they are ({@link
 * #addEntries(X509CRLHolder)}), so the next CRL need not convert them again.
 */
public final class CrlTemplate implements Consumer<RevokedEntry> {
  /** The entry extensions for each reason code; null for unspecified (no extension). */
  private static final Extensions[] REASONS = new Extensions[11];

  static {
    for (RevocationReason r : RevocationReason.values()) {
      if (r != RevocationReason.UNSPECIFIED) {
        try {
          REASONS[r.code()] = new Extensions(new Extension(Extension.reasonCode, false,
              new DEROctetString(CRLReason.lookup(r.code()))));
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private final V2TBSCertListGenerator generator = new V2TBSCertListGenerator();
  private int entries;

  public CrlTemplate(X509CertificateHolder issuer, BigInteger number, Instant thisUpdate, Instant nextUpdate) {
    generator.setIssuer(issuer.getSubject());
    generator.setThisUpdate(time(thisUpdate));
    generator.setNextUpdate(time(nextUpdate));
    try {
      generator.setExtensions(new Extensions(new Extension[] {
          new Extension(Extension.cRLNumber, false, new DEROctetString(new CRLNumber(number))),
          new Extension(Extension.authorityKeyIdentifier, false,
              new DEROctetString(CertificateTemplate.authorityKeyIdentifier(issuer)))}));
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot build CRL extensions", e);
    }
  }

  /**
   * The time as RFC 5280 §4.1.2.5 wants it: UTCTime through 2049, GeneralizedTime from 2050; whole seconds.
   * (What {@code new Time(Date)} produces, formatted once instead of formatted and parsed again.)
   */
  static Time time(Instant t) {
    Date d = Date.from(t);
    int year = t.atOffset(ZoneOffset.UTC).getYear();
    return new Time(year >= 1950 && year <= 2049 ? new DERUTCTime(d) : new DERGeneralizedTime(d));
  }

  @Override
  public void accept(RevokedEntry e) {
    generator.addCRLEntry(new ASN1Integer(e.serial().value()), time(e.revokedAt()), REASONS[e.reason().code()]);
    entries++;
  }

  /** Adds every entry of {@code earlier} (a CRL built by this class) unchanged. */
  public void addEntries(X509CRLHolder earlier) {
    for (var en = earlier.toASN1Structure().getRevokedCertificateEnumeration(); en.hasMoreElements(); ) {
      TBSCertList.CRLEntry entry = (TBSCertList.CRLEntry) en.nextElement();
      generator.addCRLEntry(ASN1Sequence.getInstance(entry.toASN1Primitive()));
      entries++;
    }
  }

  public int entries() {
    return entries;
  }

  public X509CRLHolder sign(CaSigner signer) {
    ContentSigner contentSigner = signer.newContentSigner();
    generator.setSignature(contentSigner.getAlgorithmIdentifier());
    TBSCertList tbs = generator.generateTBSCertList();
    try (OutputStream out = contentSigner.getOutputStream()) {
      tbs.encodeTo(out, ASN1Encoding.DER);
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot sign the CRL", e);
    }
    return new X509CRLHolder(CertificateList.getInstance(new DERSequence(new ASN1Encodable[] {
        tbs, contentSigner.getAlgorithmIdentifier(), new DERBitString(contentSigner.getSignature())})));
  }
}
