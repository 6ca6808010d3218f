package dev.padlock.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.SerialNumber;
import dev.padlock.ca.pem.Pem;
import dev.padlock.ca.revoke.OcspDelegate;
import dev.padlock.ca.revoke.RevocationReason;
import dev.padlock.ca.store.CertificateQuery;
import dev.padlock.ca.store.CertificateRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ocsp.signer=delegated}: padlock serve answers OCSP with a responder certificate of its own, judged by openssl. */
class DelegatedOcspTest {
  @TempDir Path tmp;

  @Test
  void openSslAcceptsTheDelegatedResponderAndItIsInTheStoreAndTheAuditLog() throws Exception {
    try (ServerFixture f = new ServerFixture(tmp, ServerConfig.DEFAULT_MAX_BODY_BYTES,
        conf -> conf.replace("ocsp.signer=issuing", "ocsp.signer=delegated"))) {
      Path cert = f.issueClient("delegated-a").write(tmp, "delegated-a")[0];
      String good = ocsp(f, cert);
      assertThat(good).contains("Response verify OK").contains(cert + ": good").doesNotContain("WARNING")
          .contains("Subject: CN=Test Issuing CA OCSP Responder").contains("OCSP Signing").contains("OCSP No Check");

      f.ca.revoke(new SerialNumber(Pem.readCertificate(Files.readAllBytes(cert), "a").getSerialNumber()).hex(),
          RevocationReason.SUPERSEDED, "test");
      assertThat(ocsp(f, cert)).contains("Response verify OK").contains(cert + ": revoked")
          .contains("Reason: superseded");

      List<CertificateRecord> responders = f.ca.list(new CertificateQuery(Optional.empty(),
          Optional.of(OcspDelegate.PROFILE), Optional.empty(), Optional.empty(), f.clock.instant(), 10));
      assertThat(responders).as("one responder certificate for both answers, recorded before use").hasSize(1);
      assertThat(f.ca.verifyAudit().intact()).isTrue();
    }
  }

  private String ocsp(ServerFixture f, Path cert) {
    return Tools.run(tmp, "openssl", "ocsp", "-issuer", f.issuing.toString(), "-cert", cert.toString(), "-url",
        f.http("/ocsp"), "-CAfile", f.trust.toString(), "-resp_text").output();
  }
}
