package dev.padlock.bench;

import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.issue.CertificateTemplate;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.sign.BouncyCastle;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * An EC P-256 CA for the peers (cfssl, openssl), written as {@code ca.pem} and an unencrypted
 * {@code ca-key.pem} (SEC 1 "EC PRIVATE KEY", which both read). Same key type and curve as padlock's.
 */
record PeerCa(Path certificate, Path key) {

  static PeerCa create(Path dir) throws Exception {
    Files.createDirectories(dir);
    KeyPair keys = LimitBench.p256(BouncyCastle.provider());
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    var cert = CertificateTemplate.ca(null, SerialNumber.random(new SecureRandom()), new X500Name("CN=Bench Peer CA"),
        SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()), now.minusSeconds(60),
        now.plus(30, ChronoUnit.DAYS), 0, true)
        .sign(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BouncyCastle.provider())
            .build(keys.getPrivate()));
    Path certFile = dir.resolve("ca.pem");
    Path keyFile = dir.resolve("ca-key.pem");
    Files.writeString(certFile, Pem.certificate(cert));
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
      pem.writeObject(keys.getPrivate());
    }
    Files.writeString(keyFile, w.toString());
    return new PeerCa(certFile, keyFile);
  }
}
