package dev.padlock.tls.trace;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves one millisecond forward each time it is read: deterministic time offsets. */
final class TickingClock extends Clock {
  private final Instant start;
  private final AtomicLong reads = new AtomicLong();

  TickingClock(Instant start) {
    this.start = start;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return start.plus(Duration.ofMillis(reads.getAndIncrement()));
  }
}
