package dev.padlock.tls.enroll;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import javax.security.auth.x500.X500Principal;

/**
 * Keeps a certificate fresh over EST {@code simplereenroll}: renews once a share of its lifetime has passed
 * (two thirds unless told otherwise), authenticating with the current certificate over mutual TLS, and
 * replaces the files whole. When the CA cannot be reached it retries with exponential backoff and jitter,
 * keeping the old certificate, until the certificate expires. Time comes from the {@link Clock}, waiting
 * from the {@link Sleeper}.
 */
public final class Renewer {
  /** What happens, for the log. */
  public interface Listener {
    default void notDue(X509Certificate current, Instant dueAt) {}

    default void renewed(X509Certificate previous, X509Certificate renewed) {}

    default void retrying(EstException failure, int attempt, Duration wait) {}

    /** A fresh certificate is already due by our clock: it runs ahead of the CA's. */
    default void clockSkew(X509Certificate renewed, Instant dueAt, Duration wait) {}
  }

  /** How long to wait after a renewal whose result is already due (our clock is ahead of the CA's). */
  static final Duration SKEW_WAIT = Duration.ofHours(1);

  /** The certificate expired while the CA stayed unreachable: renewal over mTLS is no longer possible. */
  public static final class ExpiredException extends Exception {
    private static final long serialVersionUID = 1L;

    ExpiredException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Every attempt allowed failed; the certificate is still valid and was left in place. */
  public static final class GaveUpException extends Exception {
    private static final long serialVersionUID = 1L;

    GaveUpException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final URI server;
  private final Path certFile;
  private final Path keyFile;
  private final List<X509Certificate> trust;
  private final double renewAt;
  private final boolean rekey;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Random random;
  private final Listener listener;

  private Renewer(Builder b) {
    this.server = b.server;
    this.certFile = b.certFile;
    this.keyFile = b.keyFile;
    this.trust = List.copyOf(b.trust);
    this.renewAt = b.renewAt;
    this.rekey = b.rekey;
    this.minBackoff = b.minBackoff;
    this.maxBackoff = b.maxBackoff;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.random = b.random;
    this.listener = b.listener;
  }

  public static Builder builder(URI server, Path certFile, Path keyFile, List<X509Certificate> trust) {
    return new Builder(server, certFile, keyFile, trust);
  }

  /** Builds a {@link Renewer}. */
  public static final class Builder {
    private final URI server;
    private final Path certFile;
    private final Path keyFile;
    private final List<X509Certificate> trust;
    private double renewAt = 2.0 / 3;
    private boolean rekey;
    private Duration minBackoff = Duration.ofSeconds(5);
    private Duration maxBackoff = Duration.ofMinutes(10);
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private Random random = ThreadLocalRandom.current();
    private Listener listener = new Listener() {};

    private Builder(URI server, Path certFile, Path keyFile, List<X509Certificate> trust) {
      this.server = Objects.requireNonNull(server);
      this.certFile = Objects.requireNonNull(certFile);
      this.keyFile = Objects.requireNonNull(keyFile);
      this.trust = List.copyOf(trust);
    }

    /** The share of the lifetime after which to renew, between 0 and 1. If unset, 2/3. */
    public Builder renewAt(double share) {
      if (!(share > 0 && share < 1)) {
        throw new IllegalArgumentException("the renewal point must be between 0 and 1, got " + share);
      }
      this.renewAt = share;
      return this;
    }

    /** Make a new key at each renewal. If unset, the key is kept. */
    public Builder rekey(boolean value) {
      this.rekey = value;
      return this;
    }

    /** The first and the longest wait between failed attempts. If unset, 5 s and 10 min. */
    public Builder backoff(Duration first, Duration longest) {
      this.minBackoff = first;
      this.maxBackoff = longest;
      return this;
    }

    /** If unset, the system clock. */
    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    /** If unset, {@link Sleeper#system()}. */
    public Builder sleeper(Sleeper s) {
      this.sleeper = s;
      return this;
    }

    /** The source of jitter. If unset, a thread-local random. */
    public Builder random(Random r) {
      this.random = r;
      return this;
    }

    /** If unset, nothing is reported. */
    public Builder listener(Listener l) {
      this.listener = l;
      return this;
    }

    public Renewer build() {
      return new Renewer(this);
    }
  }

  /** When the certificate in {@code certFile} is due for renewal. */
  public Instant dueAt(X509Certificate cert) {
    Instant from = cert.getNotBefore().toInstant();
    long life = Duration.between(from, cert.getNotAfter().toInstant()).getSeconds();
    return from.plusSeconds((long) (life * renewAt));
  }

  /**
   * Renews if due, trying up to {@code attempts} times with backoff.
   *
   * @return the renewed certificate, or null if it was not due
   */
  public X509Certificate renewIfDue(int attempts) throws IOException, InterruptedException, ExpiredException,
      GaveUpException {
    X509Certificate current = CredentialFiles.readCertificates(certFile).get(0);
    Instant due = dueAt(current);
    if (clock.instant().isBefore(due)) {
      listener.notDue(current, due);
      return null;
    }
    return renewWithRetries(attempts);
  }

  /**
   * Runs until stopped: sleeps until the certificate is due, renews, repeats. Returns only by exception.
   */
  public void runForever() throws IOException, InterruptedException, ExpiredException, GaveUpException {
    while (true) {
      X509Certificate current = CredentialFiles.readCertificates(certFile).get(0);
      Instant now = clock.instant();
      Instant due = dueAt(current);
      if (now.isBefore(due)) {
        listener.notDue(current, due);
        // Wake at least hourly: the files may have been replaced by someone else meanwhile.
        Duration wait = Duration.between(now, due);
        sleeper.sleep(wait.compareTo(Duration.ofHours(1)) > 0 ? Duration.ofHours(1) : wait);
        continue;
      }
      X509Certificate renewed = renewWithRetries(Integer.MAX_VALUE);
      Instant nextDue = dueAt(renewed);
      if (!clock.instant().isBefore(nextDue)) {
        // Never renew in a loop: a certificate due the moment it is issued means the clocks disagree.
        listener.clockSkew(renewed, nextDue, SKEW_WAIT);
        sleeper.sleep(SKEW_WAIT);
      }
    }
  }

  private X509Certificate renewWithRetries(int attempts) throws IOException, InterruptedException, ExpiredException,
      GaveUpException {
    EstException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      X509Certificate current = CredentialFiles.readCertificates(certFile).get(0);
      if (!clock.instant().isBefore(current.getNotAfter().toInstant())) {
        throw new ExpiredException("the certificate in " + certFile + " expired at " + current.getNotAfter().toInstant()
            + (last == null ? "" : " while the CA stayed unreachable (" + last.getMessage() + ")")
            + ": enroll again with a new token", last);
      }
      try {
        return renewOnce();
      } catch (EstException e) {
        if (!e.unreachable()) {
          throw new GaveUpException("renewal refused: " + e.getMessage(), e);
        }
        last = e;
        if (attempt == attempts) {
          break;
        }
        Duration wait = backoff(attempt);
        Duration left = Duration.between(clock.instant(), current.getNotAfter().toInstant());
        if (wait.compareTo(left) > 0) {
          wait = left; // wake when it expires, to say so
        }
        listener.retrying(e, attempt, wait);
        sleeper.sleep(wait);
      }
    }
    throw new GaveUpException("could not renew after " + attempts + " attempts; the current certificate stays in "
        + "place: " + (last == null ? "" : last.getMessage()), last);
  }

  /** Exponential backoff from the first wait, capped, with ±50% jitter. */
  Duration backoff(int attempt) {
    long base = minBackoff.toMillis() << Math.min(attempt - 1, 20);
    long capped = Math.min(base, maxBackoff.toMillis());
    long jittered = (long) (capped * (0.5 + random.nextDouble()));
    return Duration.ofMillis(Math.max(1, jittered));
  }

  /** One {@code simplereenroll}: same subject and names, the current certificate as TLS client identity. */
  private X509Certificate renewOnce() throws IOException, EstException {
    List<X509Certificate> chain = CredentialFiles.readCertificates(certFile);
    PrivateKey key = CredentialFiles.readPrivateKey(keyFile);
    X509Certificate current = chain.get(0);
    KeyPair next = rekey ? Enrollment.newKey() : new KeyPair(current.getPublicKey(), key);
    byte[] csr = Enrollment.csr(next, commonName(current.getSubjectX500Principal()), sans(current));
    EstClient est = EstClient.builder(server).trust(trust).identity(key, chain).build();
    List<X509Certificate> returned = new ArrayList<>(est.simpleReenroll(csr));
    returned.addAll(chain.subList(1, chain.size())); // our issuers, in case the server sent only the certificate
    List<X509Certificate> renewed = Enrollment.chainFor(next.getPublic(), returned);
    if (rekey) {
      CredentialFiles.writeAtomically(keyFile, CredentialFiles.pem(next.getPrivate()), true);
    }
    CredentialFiles.writeAtomically(certFile, CredentialFiles.pem(renewed), false);
    listener.renewed(current, renewed.get(0));
    return renewed.get(0);
  }

  static String commonName(X500Principal subject) {
    try {
      for (var rdn : new javax.naming.ldap.LdapName(subject.getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
    } catch (javax.naming.InvalidNameException e) {
      // fall through
    }
    return subject.getName();
  }

  static List<String> sans(X509Certificate cert) {
    List<String> out = new ArrayList<>();
    try {
      if (cert.getSubjectAlternativeNames() == null) {
        return out;
      }
      for (List<?> n : cert.getSubjectAlternativeNames()) {
        int type = (Integer) n.get(0);
        String v = String.valueOf(n.get(1));
        switch (type) {
          case 1 -> out.add("email:" + v);
          case 2 -> out.add("dns:" + v);
          case 6 -> out.add("uri:" + v);
          case 7 -> out.add("ip:" + v);
          default -> { }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      // no names
    }
    return out;
  }
}
