package dev.padlock.tls.tunnel;

import dev.padlock.tls.diagnose.FailureCause;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What a tunnel has done: connections accepted, refused by cause, active, and bytes each way. */
public final class TunnelStats {
  private final LongAdder accepted = new LongAdder();
  private final LongAdder targetFailures = new LongAdder();
  private final Map<FailureCause, LongAdder> refused = new EnumMap<>(FailureCause.class);
  private final AtomicLong active = new AtomicLong();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();

  TunnelStats() {
    for (FailureCause c : FailureCause.values()) {
      refused.put(c, new LongAdder());
    }
  }

  void countAccepted() {
    accepted.increment();
  }

  void countRefused(FailureCause cause) {
    refused.get(cause).increment();
  }

  void targetFailed() {
    targetFailures.increment();
  }

  void opened() {
    active.incrementAndGet();
  }

  void closed() {
    active.decrementAndGet();
  }

  LongAdder inCounter() {
    return bytesIn;
  }

  LongAdder outCounter() {
    return bytesOut;
  }

  public long accepted() {
    return accepted.sum();
  }

  public long refused(FailureCause cause) {
    return refused.get(cause).sum();
  }

  public long active() {
    return active.get();
  }

  /** Bytes from the connecting side to the target. */
  public long bytesIn() {
    return bytesIn.sum();
  }

  /** Bytes from the target back to the connecting side. */
  public long bytesOut() {
    return bytesOut.sum();
  }

  /** The counters as a JSON object, for the status endpoint. */
  public String toJson() {
    Map<String, Long> byCause = new LinkedHashMap<>();
    refused.forEach((c, n) -> {
      if (n.sum() > 0) {
        byCause.put(c.code(), n.sum());
      }
    });
    StringBuilder sb = new StringBuilder();
    sb.append("{\"accepted\": ").append(accepted()).append(", \"active\": ").append(active())
        .append(", \"refused\": {");
    int i = 0;
    for (var e : byCause.entrySet()) {
      sb.append(i++ == 0 ? "" : ", ").append('"').append(e.getKey()).append("\": ").append(e.getValue());
    }
    sb.append("}, \"target_failures\": ").append(targetFailures.sum()).append(", \"bytes_in\": ").append(bytesIn())
        .append(", \"bytes_out\": ").append(bytesOut()).append("}");
    return sb.toString();
  }
}
