package dev.padlock.tls;

import dev.padlock.tls.internal.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Whom we trust to vouch for peers: the trust anchors (root CAs, RFC 5280 section 6.1.1 (d)) against
 * which a peer's chain must build, plus optional untrusted intermediates that help build chains when
 * a peer does not send its own. Every certificate in an anchors file is trusted, as with OpenSSL's
 * {@code -CAfile}.
 *
 * <p>Immutable. A bundle read from files remembers them, so {@link MutualTls} can re-read them when
 * they change ({@link #reread()}).
 */
public final class TrustBundle {
  private final List<X509Certificate> anchors;
  private final List<X509Certificate> intermediates;
  private final List<Path> anchorFiles;
  private final List<Path> intermediateFiles;
  private final List<X509Certificate> inMemoryAnchors;
  private final List<X509Certificate> inMemoryIntermediates;

  private TrustBundle(Builder b, List<X509Certificate> anchors, List<X509Certificate> intermediates) {
    this.anchors = List.copyOf(anchors);
    this.intermediates = List.copyOf(intermediates);
    this.anchorFiles = List.copyOf(b.anchorFiles);
    this.intermediateFiles = List.copyOf(b.intermediateFiles);
    this.inMemoryAnchors = List.copyOf(b.anchors);
    this.inMemoryIntermediates = List.copyOf(b.intermediates);
  }

  /** Trusts every certificate in the given PEM files. */
  public static TrustBundle fromPem(Path... anchorFiles) throws IOException {
    Builder b = builder();
    for (Path f : anchorFiles) {
      b.addAnchorsPem(f);
    }
    return b.build();
  }

  /** Trusts the given certificates. */
  public static TrustBundle of(X509Certificate... anchors) {
    try {
      return builder().addAnchors(anchors).build();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The trusted CA certificates. Never empty. */
  public List<X509Certificate> anchors() {
    return anchors;
  }

  /** Untrusted intermediates that may help build a chain to an anchor. */
  public List<X509Certificate> intermediates() {
    return intermediates;
  }

  /** The files this bundle was read from (anchors, then intermediates). */
  public List<Path> files() {
    List<Path> all = new ArrayList<>(anchorFiles);
    all.addAll(intermediateFiles);
    return all;
  }

  /** Reads this bundle's files again and returns the new bundle; this one is unchanged. */
  public TrustBundle reread() throws IOException {
    if (anchorFiles.isEmpty() && intermediateFiles.isEmpty()) {
      return this;
    }
    Builder b = builder();
    b.anchors.addAll(inMemoryAnchors);
    b.intermediates.addAll(inMemoryIntermediates);
    b.anchorFiles.addAll(anchorFiles);
    b.intermediateFiles.addAll(intermediateFiles);
    return b.build();
  }

  @Override
  public String toString() {
    return "TrustBundle[" + anchors.size() + " anchors, " + intermediates.size() + " intermediates]";
  }

  /** Collects anchors and intermediates from files and memory. */
  public static final class Builder {
    private final List<Path> anchorFiles = new ArrayList<>();
    private final List<Path> intermediateFiles = new ArrayList<>();
    private final List<X509Certificate> anchors = new ArrayList<>();
    private final List<X509Certificate> intermediates = new ArrayList<>();

    private Builder() {}

    /** Trusts every certificate in a PEM file. If no anchor is added, {@link #build()} fails. */
    public Builder addAnchorsPem(Path file) {
      anchorFiles.add(Objects.requireNonNull(file));
      return this;
    }

    /** Trusts these certificates. If no anchor is added, {@link #build()} fails. */
    public Builder addAnchors(X509Certificate... certificates) {
      anchors.addAll(Arrays.asList(certificates));
      return this;
    }

    /** Untrusted intermediates from a PEM file, used only to build chains. If unset, none. */
    public Builder addIntermediatesPem(Path file) {
      intermediateFiles.add(Objects.requireNonNull(file));
      return this;
    }

    /** Untrusted intermediates, used only to build chains. If unset, none. */
    public Builder addIntermediates(X509Certificate... certificates) {
      intermediates.addAll(Arrays.asList(certificates));
      return this;
    }

    /**
     * Reads the files and seals the bundle.
     *
     * @throws IOException if a file cannot be read or holds no certificate, or there is no anchor
     */
    public TrustBundle build() throws IOException {
      List<X509Certificate> a = new ArrayList<>(anchors);
      for (Path f : anchorFiles) {
        a.addAll(Pem.readCertificates(f));
      }
      List<X509Certificate> i = new ArrayList<>(intermediates);
      for (Path f : intermediateFiles) {
        i.addAll(Pem.readCertificates(f));
      }
      if (a.isEmpty()) {
        throw new IOException("trust bundle has no trust anchor");
      }
      return new TrustBundle(this, a, i);
    }
  }
}
