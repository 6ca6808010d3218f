package dev.padlock.tls.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a set of files looked like when last read: size, modification time (ns), file key and, for
 * files up to 1 MB (keys, certificates, bundles), a SHA-256 of the content, since a file rewritten in
 * place with the same size can keep the same coarse timestamp. A different stamp means some file
 * changed (or appeared, or went away) and should be read again.
 */
public record FileStamp(List<String> parts) {
  private static final long HASH_LIMIT = 1024 * 1024;

  public static FileStamp of(List<Path> files) {
    List<String> parts = new ArrayList<>();
    for (Path f : files) {
      try {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        String hash = a.size() <= HASH_LIMIT ? sha256(Files.readAllBytes(f)) : "";
        parts.add(f + "|" + a.size() + "|" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS) + "|"
            + a.fileKey() + "|" + hash);
      } catch (IOException e) {
        parts.add(f + "|missing");
      }
    }
    return new FileStamp(List.copyOf(parts));
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
