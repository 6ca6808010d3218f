package dev.padlock.ca;

/**
 * Where the passphrase of the CA keys comes from. Asked only when a key is needed (issuing, revoking,
 * signing a CRL), so commands that only read never prompt.
 */
@FunctionalInterface
public interface PassphraseSource {
  /**
   * @param purpose what the key is needed for, for a prompt ("to sign with the issuing CA key")
   * @throws PadlockException {@link ErrorCode#PASSPHRASE_REQUIRED} when there is no way to get one
   */
  char[] passphrase(String purpose);

  static PassphraseSource none() {
    return purpose -> {
      throw new PadlockException(ErrorCode.PASSPHRASE_REQUIRED, "a passphrase is needed " + purpose
          + ": set PADLOCK_PASSPHRASE or pass --passphrase-file FILE");
    };
  }

  static PassphraseSource of(char[] passphrase) {
    char[] copy = passphrase.clone();
    return purpose -> copy.clone();
  }
}
