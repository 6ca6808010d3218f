package dev.padlock.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files a command writes: checked before any work is done (so a bad path refuses the command before the
 * CA issues anything), then written whole — to a temporary file in the same directory, then moved into
 * place — so no reader ever sees half a file. Secrets get mode 0600.
 */
final class OutputFile {
  private OutputFile() {}

  /** Refuses a path whose directory does not exist, or an existing key file unless {@code force}. */
  static void check(Path file, boolean isSecret, boolean force) {
    if (file == null) {
      return;
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw CliException.invalidInput("cannot write " + file + ": directory " + parent + " does not exist");
    }
    if (Files.isDirectory(file)) {
      throw CliException.invalidInput("cannot write " + file + ": it is a directory");
    }
    if (isSecret && Files.exists(file) && !force) {
      throw CliException.invalidInput(file + " exists: padlock does not overwrite keys (pass --force to replace it)");
    }
  }

  static void write(Path file, String content, boolean isSecret) {
    write(file, content.getBytes(StandardCharsets.US_ASCII), isSecret);
  }

  static void write(Path file, byte[] content, boolean isSecret) {
    Path target = file.toAbsolutePath();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(isSecret ? "rw-------" : "rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not POSIX
      }
      Files.write(tmp, content);
      try {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      if (tmp != null) {
        tmp.toFile().delete();
      }
      throw new CliException(ExitCodes.INTERNAL, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
