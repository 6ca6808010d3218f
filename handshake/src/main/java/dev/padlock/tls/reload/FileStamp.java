package dev.padlock.tls.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * What a set of files looked like when last read: size, modification time and file key of each. A
 * different stamp means some file changed (or appeared, or went away) and should be read again.
 */
public record FileStamp(List<String> parts) {

  public static FileStamp of(List<Path> files) {
    List<String> parts = new ArrayList<>();
    for (Path f : files) {
      try {
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        parts.add(f + "|" + a.size() + "|" + a.lastModifiedTime().toMillis() + "|" + a.fileKey());
      } catch (IOException e) {
        parts.add(f + "|missing");
      }
    }
    return new FileStamp(List.copyOf(parts));
  }
}
