package dev.padlock.ca.sign;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;

/**
 * Who signs: the issuing CA's key, wherever it lives (software now; PKCS#11 later). Templates build what
 * is signed and never see the private key.
 */
public interface CaSigner {
  /** The CA certificate whose key signs. */
  X509CertificateHolder certificate();

  /** A fresh signer for one signature; not shared between threads. */
  ContentSigner newContentSigner();
}
