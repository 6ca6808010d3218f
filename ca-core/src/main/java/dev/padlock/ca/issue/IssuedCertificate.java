package dev.padlock.ca.issue;

import dev.padlock.ca.store.CertificateRecord;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * A certificate the CA issued, already in the store: the certificate, the chain above it (issuing CA,
 * then root), and the key pair when padlock generated it.
 */
public record IssuedCertificate(CertificateRecord record, X509CertificateHolder certificate,
    List<X509CertificateHolder> chain, Optional<KeyPair> generatedKey) {
  public IssuedCertificate {
    chain = List.copyOf(chain);
  }
}
