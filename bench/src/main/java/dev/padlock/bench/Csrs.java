package dev.padlock.bench;

import dev.padlock.ca.sign.BouncyCastle;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The CSRs every issuer in a run signs: EC P-256 keys, CN {@code svc-N.bench.test} and the same name as a
 * DNS SAN, as a service would ask for a server certificate. padlock, cfssl and openssl get the same ones.
 */
final class Csrs {
  private final List<PKCS10CertificationRequest> requests;
  private final List<String> pems;

  private Csrs(List<PKCS10CertificationRequest> requests, List<String> pems) {
    this.requests = requests;
    this.pems = pems;
  }

  static Csrs generate(int count) throws Exception {
    List<PKCS10CertificationRequest> requests = new ArrayList<>();
    List<String> pems = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      KeyPair keys = LimitBench.p256(BouncyCastle.provider());
      String name = "svc-" + i + ".bench.test";
      ExtensionsGenerator ext = new ExtensionsGenerator();
      ext.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
      PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + name),
          keys.getPublic())
          .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, ext.generate())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BouncyCastle.provider())
              .build(keys.getPrivate()));
      requests.add(csr);
      StringWriter w = new StringWriter();
      try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
        pem.writeObject(csr);
      }
      pems.add(w.toString());
    }
    return new Csrs(requests, pems);
  }

  int size() {
    return requests.size();
  }

  PKCS10CertificationRequest get(int i) {
    return requests.get(Math.floorMod(i, requests.size()));
  }

  String pem(int i) {
    return pems.get(Math.floorMod(i, pems.size()));
  }

  /** Writes {@code count} CSRs (cycling through the pool) as PEM files; returns their paths. */
  List<Path> writeFiles(Path dir, int count) throws Exception {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Path f = dir.resolve("csr-" + i + ".pem");
      Files.writeString(f, pem(i));
      files.add(f);
    }
    return files;
  }
}
