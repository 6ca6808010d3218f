package dev.padlock.cli;

import dev.padlock.ca.CertificateAuthority;
import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.PassphraseSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that touches a CA shares: where it is and how to unlock its keys. */
final class CaOptions {
  @Option(names = "--dir", paramLabel = "DIR",
      description = "The CA directory. Default: $PADLOCK_HOME, else ~/.padlock.")
  Path dir;

  @Option(names = "--passphrase-file", paramLabel = "FILE",
      description = "Read the CA key passphrase from FILE (first line). Default: $PADLOCK_PASSPHRASE, else a prompt.")
  Path passphraseFile;

  Path dir(CliContext ctx) {
    if (dir != null) {
      return dir;
    }
    return ctx.env("PADLOCK_HOME").map(Path::of).orElse(ctx.userHome().resolve(".padlock"));
  }

  CertificateAuthority open(CliContext ctx) {
    return CertificateAuthority.open(dir(ctx), ctx.clock(), passphraseSource(ctx, false));
  }

  /** Passphrase from --passphrase-file, then PADLOCK_PASSPHRASE, then an interactive prompt. */
  PassphraseSource passphraseSource(CliContext ctx, boolean confirm) {
    return purpose -> {
      if (passphraseFile != null) {
        return readFile(passphraseFile);
      }
      var env = ctx.env("PADLOCK_PASSPHRASE");
      if (env.isPresent()) {
        return env.get().toCharArray();
      }
      var console = ctx.interactiveConsole().orElseThrow(() -> new PadlockException(ErrorCode.PASSPHRASE_REQUIRED,
          "a passphrase is needed " + purpose + ": set PADLOCK_PASSPHRASE or pass --passphrase-file FILE"));
      char[] pw = console.readPassword("CA passphrase (%s): ", purpose);
      if (pw == null || pw.length == 0) {
        throw new PadlockException(ErrorCode.PASSPHRASE_REQUIRED, "no passphrase given");
      }
      if (confirm) {
        char[] again = console.readPassword("Repeat the passphrase: ");
        if (again == null || !java.util.Arrays.equals(pw, again)) {
          throw new PadlockException(ErrorCode.PASSPHRASE_REQUIRED, "the passphrases do not match");
        }
      }
      return pw;
    };
  }

  private static char[] readFile(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int nl = text.indexOf('\n');
      String first = (nl < 0 ? text : text.substring(0, nl)).replace("\r", "");
      if (first.isEmpty()) {
        throw new PadlockException(ErrorCode.PASSPHRASE_REQUIRED, "passphrase file " + file + " is empty");
      }
      return first.toCharArray();
    } catch (IOException e) {
      throw new PadlockException(ErrorCode.PASSPHRASE_REQUIRED, "cannot read passphrase file " + file + ": "
          + e.getClass().getSimpleName().replace("Exception", "").replace("NoSuchFile", "no such file"));
    }
  }
}
