package dev.padlock.ca.sign;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A CA key at rest: PKCS#8 {@code ENCRYPTED PRIVATE KEY} PEM, PBES2 with PBKDF2-HMAC-SHA256 and
 * AES-256-CBC, readable by {@code openssl pkey}. Keys are only ever written encrypted by this class.
 */
public final class EncryptedKeyFile {
  /** PBKDF2 iterations; OWASP's 2023 figure for PBKDF2-HMAC-SHA256 is 600,000. */
  static final int ITERATIONS = 600_000;

  private EncryptedKeyFile() {}

  /** The PEM text of {@code key} encrypted under {@code passphrase}. */
  public static String encrypt(PrivateKey key, char[] passphrase, SecureRandom random) {
    try {
      OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
          .setPRF(PKCS8Generator.PRF_HMACSHA256)
          .setIterationCount(ITERATIONS)
          .setRandom(random)
          .setProvider(BouncyCastle.provider())
          .setPassword(passphrase)
          .build();
      PKCS8Generator gen = new PKCS8Generator(PrivateKeyInfo.getInstance(key.getEncoded()), encryptor);
      StringWriter out = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(out)) {
        w.writeObject(gen);
      }
      return out.toString();
    } catch (Exception e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot encrypt the private key", e);
    }
  }

  /** Reads and decrypts the key at {@code file}; the key comes back as a Bouncy Castle key object. */
  public static PrivateKey read(Path file, char[] passphrase) {
    String pem;
    try {
      pem = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new PadlockException(ErrorCode.CA_NOT_FOUND, "cannot read CA key at " + file + ": no such file");
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.INTERNAL, "cannot read CA key at " + file + ": " + e.getMessage(), e);
    }
    return decrypt(pem, passphrase, file.toString());
  }

  static PrivateKey decrypt(String pem, char[] passphrase, String where) {
    Object parsed;
    try (Reader r = new StringReader(pem); PEMParser p = new PEMParser(r)) {
      parsed = p.readObject();
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.MALFORMED_INPUT, "cannot read CA key at " + where + ": not a PEM key", e);
    }
    if (!(parsed instanceof PKCS8EncryptedPrivateKeyInfo enc)) {
      throw new PadlockException(ErrorCode.MALFORMED_INPUT,
          "cannot read CA key at " + where + ": expected an ENCRYPTED PRIVATE KEY");
    }
    PrivateKeyInfo info;
    try {
      info = enc.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
          .setProvider(BouncyCastle.provider()).build(passphrase));
      return new JcaPEMKeyConverter().setProvider(BouncyCastle.provider()).getPrivateKey(info);
    } catch (Exception e) {
      // A wrong passphrase shows up as bad padding or, rarely, as garbage that does not parse.
      throw new PadlockException(ErrorCode.WRONG_PASSPHRASE,
          "cannot read CA key at " + where + ": wrong passphrase", e);
    }
  }
}
