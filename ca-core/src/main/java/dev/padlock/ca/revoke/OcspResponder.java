package dev.padlock.ca.revoke;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.sign.BouncyCastle;
import dev.padlock.ca.sign.CaSigner;
import dev.padlock.ca.store.CertificateRecord;
import dev.padlock.ca.store.CertificateStore;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.ocsp.RevokedInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.UnknownStatus;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * An OCSP responder (RFC 6960) for the issuing CA, answering straight from the store: every request reads
 * the certificate's current state, so a revocation by any process shows in the next answer. For each
 * certificate asked about: {@code good}; {@code revoked} with the time and reason code; or {@code unknown}
 * (not issued by this CA, or not on record). The request's nonce is echoed. Responses are signed by the
 * signer given — the issuing CA itself or a delegated responder certificate with EKU OCSPSigning — and
 * carry no nextUpdate: newer information is available at any time (RFC 6960 §4.2.2.1).
 *
 * <p>Whatever the input, {@link #respond} returns a DER OCSPResponse: garbage gets {@code malformedRequest},
 * a store failure {@code tryLater}.
 */
public final class OcspResponder {
  /** More certificates in one request are refused as malformed: keeps a request's cost bounded. */
  static final int MAX_REQUESTS = 16;

  /** Hash algorithms whose issuer hashes are kept (SHA-1 and SHA-256 in practice): a bound, whatever clients send. */
  private static final int MAX_HASH_ALGORITHMS = 4;

  private final CertificateStore store;
  private final X509CertificateHolder issuer;
  private final Supplier<CaSigner> signer;
  private final Clock clock;
  private final DigestCalculatorProvider digests;
  /** The issuer's name and key hashes (RFC 6960 §4.1.1) per hash algorithm of the request, computed once each. */
  private final Map<ASN1ObjectIdentifier, CertificateID> issuerIds = new ConcurrentHashMap<>();
  /**
   * The last signer seen, with its responder ID (by key hash) and the certificates each response carries:
   * computed once per signer (a renewed delegate is a new signer) rather than per response.
   */
  private volatile Responder responder;

  private record Responder(CaSigner signer, RespID id, X509CertificateHolder[] certificates) {}

  /**
   * @param issuer the CA whose certificates are answered for
   * @param signer who signs responses: the issuer's signer or a delegated responder's (asked once per
   *     response, so a renewed delegate takes over at once); each response carries the signer's certificate
   */
  public OcspResponder(CertificateStore store, X509CertificateHolder issuer, Supplier<CaSigner> signer,
      Clock clock) {
    this.store = store;
    this.issuer = issuer;
    this.signer = signer;
    this.clock = clock;
    try {
      this.digests = new JcaDigestCalculatorProviderBuilder().setProvider(BouncyCastle.provider()).build();
    } catch (OperatorCreationException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot set up OCSP digests", e);
    }
  }

  /** The OCSPResponse (DER) to a DER OCSPRequest. Never throws for bad input. */
  public byte[] respond(byte[] requestDer) {
    OCSPReq request;
    try {
      request = new OCSPReq(requestDer);
    } catch (IOException | RuntimeException e) {
      return status(OCSPRespBuilder.MALFORMED_REQUEST);
    }
    Req[] items = request.getRequestList();
    if (items.length == 0 || items.length > MAX_REQUESTS) {
      return status(OCSPRespBuilder.MALFORMED_REQUEST);
    }
    try {
      return encode(new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, answer(request, items)));
    } catch (PadlockException e) {
      if (e.code() == ErrorCode.STORE_UNAVAILABLE) {
        return status(OCSPRespBuilder.TRY_LATER);
      }
      throw e;
    } catch (OCSPException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot build the OCSP response", e);
    }
  }

  private BasicOCSPResp answer(OCSPReq request, Req[] items) throws OCSPException {
    CaSigner s = signer.get();
    Date now = Date.from(clock.instant().truncatedTo(ChronoUnit.SECONDS));
    Responder r = responder(s);
    BasicOCSPRespBuilder builder = new BasicOCSPRespBuilder(r.id());
    for (Req item : items) {
      CertificateID id = item.getCertID();
      builder.addResponse(id, status(id), now, null, null);
    }
    Extension nonce = request.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
    if (nonce != null) {
      builder.setResponseExtensions(new Extensions(nonce));
    }
    return builder.build(s.newContentSigner(), r.certificates(), now);
  }

  /** {@code s} with its ResponderID byKey (RFC 6960 §4.2.2.3: the SHA-1 of its public key), once per signer. */
  private Responder responder(CaSigner s) {
    Responder r = responder;
    if (r == null || r.signer() != s) {
      try {
        r = new Responder(s, new RespID(s.certificate().getSubjectPublicKeyInfo(),
            digests.get(CertificateID.HASH_SHA1)), new X509CertificateHolder[] {s.certificate()});
      } catch (OCSPException | OperatorCreationException e) {
        throw new PadlockException(ErrorCode.INTERNAL, "cannot compute the OCSP responder id", e);
      }
      responder = r;
    }
    return r;
  }

  /**
   * Whether {@code id} names a certificate of this issuer: its issuer name and key hashes against the
   * issuer's, hashed once per hash algorithm (what {@code CertificateID.matchesIssuer} hashes anew on every
   * call). A hash algorithm this responder cannot compute is not this issuer's: such a request is answered
   * {@code unknown}, never with an error.
   */
  private boolean ofThisIssuer(CertificateID id) {
    ASN1ObjectIdentifier oid = id.getHashAlgOID();
    CertificateID mine = issuerIds.get(oid);
    if (mine == null) {
      try {
        mine = new CertificateID(digests.get(new AlgorithmIdentifier(oid)), issuer, BigInteger.ONE);
      } catch (OCSPException | OperatorCreationException | RuntimeException e) {
        return false;
      }
      if (issuerIds.size() < MAX_HASH_ALGORITHMS) {
        issuerIds.put(oid, mine);
      }
    }
    return Arrays.equals(mine.getIssuerNameHash(), id.getIssuerNameHash())
        && Arrays.equals(mine.getIssuerKeyHash(), id.getIssuerKeyHash());
  }

  private CertificateStatus status(CertificateID id) {
    if (!ofThisIssuer(id)) {
      return new UnknownStatus();
    }
    Optional<CertificateRecord> record;
    try {
      record = store.find(new SerialNumber(id.getSerialNumber()));
    } catch (PadlockException e) {
      if (e.code() == ErrorCode.INVALID_SERIAL) {
        return new UnknownStatus(); // zero, negative or too long: never one of ours
      }
      throw e;
    }
    if (record.isEmpty()) {
      return new UnknownStatus();
    }
    Optional<CertificateRecord.Revocation> revoked = record.get().revocation();
    if (revoked.isEmpty()) {
      return CertificateStatus.GOOD;
    }
    RevocationReason reason = revoked.get().reason();
    // As in the CRL (RFC 5280 §5.3.1): the reason is left out when it is unspecified.
    return new RevokedStatus(new RevokedInfo(new ASN1GeneralizedTime(Date.from(revoked.get().at())),
        reason == RevocationReason.UNSPECIFIED ? null : CRLReason.lookup(reason.code())));
  }

  private static byte[] status(int status) {
    try {
      return encode(new OCSPRespBuilder().build(status, null));
    } catch (OCSPException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot build the OCSP response", e);
    }
  }

  private static byte[] encode(OCSPResp resp) {
    try {
      return resp.getEncoded();
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot encode the OCSP response", e);
    }
  }
}
