package dev.padlock.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Times operations in this JVM: untimed warm-up runs, then timed runs whose spread is reported as
 * min/median/max. Every result is handed to {@link #consume} so the JIT cannot drop the work.
 *
 * <p>A plain harness rather than JMH: every ratio must come from one JVM in one run (JMH forks a JVM per
 * benchmark), the fixtures are stores of a million rows and more that take minutes to build once (not
 * per fork), latencies are wanted as p99 over single calls, and a JUnit test must be able to run the
 * whole thing at a tiny size.
 */
public final class Harness {
  private static volatile long sink;
  /** Latency samples taken even past the budget (a listing that scans 10M rows takes seconds each). */
  private static final int MIN_SAMPLES = 3;

  private Harness() {}

  /** One unit of work; returns something derived from its result. */
  @FunctionalInterface
  public interface Op {
    Object run() throws Exception;
  }

  /** Keeps {@code o} alive as far as the JIT can tell. */
  public static void consume(Object o) {
    sink += System.identityHashCode(o);
  }

  /**
   * Operations per second on {@code threads} threads, each running its own op (from {@code perThread})
   * back to back for {@code window}; one value per timed run.
   */
  public static Stats throughput(int threads, Duration window, int warmups, int runs, IntFunction<Op> perThread) {
    return Stats.of(interleave(window, warmups, runs, new Workload("", threads, perThread))[0]);
  }

  /** Work for a throughput window: {@code threads} threads, each with its own op. */
  public static final class Workload {
    private final String name;
    private final List<Op> ops = new ArrayList<>();
    private List<Double> cpuBusy;

    public Workload(String name, int threads, IntFunction<Op> perThread) {
      this.name = name;
      for (int t = 0; t < threads; t++) {
        ops.add(perThread.apply(t));
      }
    }

    public String name() {
      return name;
    }

    /** From now on, records how busy the machine's cores are during each of this workload's windows. */
    public Workload meterCpu() {
      cpuBusy = new ArrayList<>();
      return this;
    }

    /**
     * The machine's busy share in each window since {@link #meterCpu()}, warm-ups included (the last ones
     * are the timed rounds); empty if it was not asked for or {@code /proc/stat} cannot be read.
     */
    public List<Double> cpuBusy() {
      return cpuBusy == null ? List.of() : List.copyOf(cpuBusy);
    }

    /** Runs every thread's op back to back for {@code window}; returns operations per second. */
    public double window(Duration window) {
      MachineCpu.Reading before = cpuBusy == null ? null : MachineCpu.read();
      double rate = Harness.window(ops, window);
      if (cpuBusy != null) {
        MachineCpu.busy(before, MachineCpu.read()).ifPresent(cpuBusy::add);
      }
      return rate;
    }
  }

  /**
   * Round by round, one window of each workload in turn, so that figures compared with each other see the
   * same load on a shared machine. Returns rates[workload][run].
   */
  public static double[][] interleave(Duration window, int warmups, int runs, Workload... workloads) {
    double[][] rates = new double[workloads.length][runs];
    for (int r = -warmups; r < runs; r++) {
      for (int w = 0; w < workloads.length; w++) {
        double rate = workloads[w].window(window);
        if (r >= 0) {
          rates[w][r] = rate;
        }
      }
    }
    return rates;
  }

  private static double window(List<Op> ops, Duration window) {
    CountDownLatch start = new CountDownLatch(1);
    long[] counts = new long[ops.size()];
    long[] ends = new long[ops.size()];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    long[] begin = new long[1];
    for (int t = 0; t < ops.size(); t++) {
      int i = t;
      Thread th = new Thread(() -> {
        try {
          start.await();
          long deadline = begin[0] + window.toNanos();
          long n = 0;
          long now;
          do {
            consume(ops.get(i).run());
            n++;
            now = System.nanoTime();
          } while (now < deadline && failure.get() == null);
          counts[i] = n;
          ends[i] = now;
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "bench-" + t);
      threads.add(th);
      th.start();
    }
    begin[0] = System.nanoTime();
    start.countDown();
    join(threads);
    if (failure.get() != null) {
      throw new IllegalStateException("a benchmark operation failed: " + failure.get(), failure.get());
    }
    long total = 0;
    long last = 0;
    for (int t = 0; t < ops.size(); t++) {
      total += counts[t];
      last = Math.max(last, ends[t]);
    }
    return total / ((last - begin[0]) / 1e9);
  }

  private static void join(List<Thread> threads) {
    for (Thread th : threads) {
      try {
        th.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /** Milliseconds per call of a slow operation, each call timed on its own. */
  public static Stats millisEach(int warmups, int runs, Op op) {
    double[] ms = new double[runs];
    for (int r = -warmups; r < runs; r++) {
      long t0 = System.nanoTime();
      call(op);
      double elapsed = (System.nanoTime() - t0) / 1e6;
      if (r >= 0) {
        ms[r] = elapsed;
      }
    }
    return Stats.of(ms);
  }

  /**
   * Latency of single calls: {@code warmups} untimed, then up to {@code samples} timed, stopping at
   * {@code budget} once {@value #MIN_SAMPLES} are in.
   */
  public static Latency latency(int warmups, int samples, Duration budget, Op op) {
    for (int i = 0; i < warmups; i++) {
      call(op);
    }
    long[] nanos = new long[samples];
    long stop = System.nanoTime() + budget.toNanos();
    int n = 0;
    while (n < samples && (n < MIN_SAMPLES || System.nanoTime() < stop)) {
      long t0 = System.nanoTime();
      call(op);
      nanos[n++] = System.nanoTime() - t0;
    }
    return Latency.ofNanos(nanos, n);
  }

  private static void call(Op op) {
    try {
      consume(op.run());
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
