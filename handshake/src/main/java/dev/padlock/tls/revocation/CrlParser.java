package dev.padlock.tls.revocation;

import java.io.IOException;
import java.math.BigInteger;
import java.text.ParseException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetStringParser;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1SequenceParser;
import org.bouncycastle.asn1.ASN1StreamParser;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.ASN1UTCTime;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.IssuingDistributionPoint;
import org.bouncycastle.asn1.x509.Time;

/**
 * Parses a DER CRL with Bouncy Castle without building an object per entry: the outer structure is
 * read lazily, and the revokedCertificates list is streamed entry by entry into {@link
 * RevokedSerials}. A CRL with a million entries parses in about a second and keeps ~40 MB.
 */
public final class CrlParser {
  private CrlParser() {}

  /** Parses a DER CRL. Does not check its signature (see {@link CrlSignature}). */
  public static ParsedCrl parse(byte[] der) throws IOException {
    try (ASN1InputStream in = new ASN1InputStream(der, true)) {
      ASN1Sequence certList = ASN1Sequence.getInstance(in.readObject());
      if (certList == null || certList.size() != 3 || in.available() > 0) {
        throw new IOException("not a CRL: expected CertificateList SEQUENCE of three elements");
      }
      ASN1Sequence tbs = ASN1Sequence.getInstance(certList.getObjectAt(0));
      byte[] tbsBytes = tbs.getEncoded();
      AlgorithmIdentifier sigAlg = AlgorithmIdentifier.getInstance(certList.getObjectAt(1));
      byte[] signature = ASN1BitString.getInstance(certList.getObjectAt(2)).getOctets();

      int i = 0;
      if (tbs.getObjectAt(0) instanceof ASN1Integer) {
        i++; // version v2
      }
      AlgorithmIdentifier innerAlg = AlgorithmIdentifier.getInstance(tbs.getObjectAt(i++));
      if (!innerAlg.equals(sigAlg)) {
        throw new IOException("CRL signature algorithm differs inside and outside the signed part");
      }
      X500Principal issuer = new X500Principal(X500Name.getInstance(tbs.getObjectAt(i++)).getEncoded());
      Instant thisUpdate = time(Time.getInstance(tbs.getObjectAt(i++)));
      Instant nextUpdate = null;
      if (i < tbs.size() && isTime(tbs.getObjectAt(i))) {
        nextUpdate = time(Time.getInstance(tbs.getObjectAt(i++)));
      }
      RevokedSerials revoked = RevokedSerials.builder().build();
      if (i < tbs.size() && tbs.getObjectAt(i) instanceof ASN1Sequence list) {
        revoked = entries(list.getEncoded());
        i++;
      }
      BigInteger number = null;
      byte[] aki = null;
      if (i < tbs.size() && tbs.getObjectAt(i) instanceof ASN1TaggedObject tagged) {
        Extensions ext = Extensions.getInstance(tagged, true);
        checkSupported(ext);
        if (ext.getExtension(Extension.cRLNumber) != null) {
          number = CRLNumber.getInstance(ext.getExtensionParsedValue(Extension.cRLNumber))
              .getCRLNumber();
        }
        if (ext.getExtension(Extension.authorityKeyIdentifier) != null) {
          aki = AuthorityKeyIdentifier.fromExtensions(ext).getKeyIdentifierOctets();
        }
      }
      return new ParsedCrl(issuer, thisUpdate, nextUpdate, number, aki, revoked, sigAlg, signature,
          tbsBytes);
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException
        | ArrayIndexOutOfBoundsException e) {
      throw new IOException("malformed CRL: " + e.getMessage(), e);
    }
  }

  private static void checkSupported(Extensions ext) throws IOException {
    if (ext.getExtension(Extension.deltaCRLIndicator) != null) {
      throw new IOException("delta CRLs are not supported; give the full CRL");
    }
    Extension idp = ext.getExtension(Extension.issuingDistributionPoint);
    if (idp != null && IssuingDistributionPoint.getInstance(idp.getParsedValue()).isIndirectCRL()) {
      throw new IOException("indirect CRLs are not supported");
    }
  }

  private static RevokedSerials entries(byte[] encodedList) throws IOException {
    RevokedSerials.Builder out = RevokedSerials.builder();
    ASN1SequenceParser list = (ASN1SequenceParser) new ASN1StreamParser(encodedList).readObject();
    for (ASN1Encodable e; (e = list.readObject()) != null; ) {
      ASN1SequenceParser entry = (ASN1SequenceParser) e;
      ASN1Integer serial = (ASN1Integer) entry.readObject();
      ASN1Encodable date = entry.readObject();
      int reason = -1;
      for (ASN1Encodable more; (more = entry.readObject()) != null; ) {
        reason = reasonCode(more);
      }
      out.add(serial.getValue().toByteArray(), epochSecond(date), reason);
    }
    return out.build();
  }

  /** The reasonCode entry extension, read from the stream without building an Extensions map. */
  private static int reasonCode(ASN1Encodable entryExtensions) throws IOException {
    if (!(entryExtensions instanceof ASN1SequenceParser exts)) {
      return -1;
    }
    int reason = -1;
    for (ASN1Encodable e; (e = exts.readObject()) != null; ) {
      ASN1SequenceParser ext = (ASN1SequenceParser) e;
      ASN1Encodable oid = ext.readObject();
      for (ASN1Encodable part; (part = ext.readObject()) != null; ) {
        if (part instanceof ASN1OctetStringParser value && Extension.reasonCode.equals(oid)) {
          reason = ASN1Enumerated.getInstance(
              ASN1Primitive.fromByteArray(value.getOctetStream().readAllBytes())).intValueExact();
        }
      }
    }
    return reason;
  }

  private static boolean isTime(ASN1Encodable o) {
    return o instanceof ASN1UTCTime || o instanceof ASN1GeneralizedTime;
  }

  private static Instant time(Time t) throws IOException {
    return Instant.ofEpochSecond(epochSecond(t.toASN1Primitive()));
  }

  /**
   * Seconds since the epoch of a UTCTime or GeneralizedTime. RFC 5280 (section 5.1.2.6) fixes the
   * forms YYMMDDHHMMSSZ and YYYYMMDDHHMMSSZ; those are read directly (fast), anything else through
   * Bouncy Castle's general parser.
   */
  private static long epochSecond(ASN1Encodable time) throws IOException {
    try {
      if (time instanceof ASN1UTCTime utc) {
        String s = utc.getTime(); // YYMMDDhhmmssGMT+00:00 for the RFC 5280 form YYMMDDhhmmssZ
        if (s.length() == 21 && s.endsWith("GMT+00:00")) {
          int yy = Integer.parseInt(s, 0, 2, 10);
          return epoch(yy < 50 ? 2000 + yy : 1900 + yy, s, 2);
        }
        return utc.getAdjustedDate().toInstant().getEpochSecond();
      }
      if (time instanceof ASN1GeneralizedTime gt) {
        String s = gt.getTimeString();
        if (s.length() == 15 && s.charAt(14) == 'Z') {
          return epoch(Integer.parseInt(s, 0, 4, 10), s, 4);
        }
        return gt.getDate().toInstant().getEpochSecond();
      }
    } catch (ParseException | NumberFormatException | java.time.DateTimeException e) {
      throw new IOException("malformed time in CRL: " + time, e);
    }
    throw new IOException("expected a time in CRL, found " + time);
  }

  private static long epoch(int year, String s, int at) {
    return LocalDateTime.of(year, Integer.parseInt(s, at, at + 2, 10),
        Integer.parseInt(s, at + 2, at + 4, 10), Integer.parseInt(s, at + 4, at + 6, 10),
        Integer.parseInt(s, at + 6, at + 8, 10), Integer.parseInt(s, at + 8, at + 10, 10))
        .toEpochSecond(ZoneOffset.UTC);
  }
}
