package dev.padlock.ca.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.store.jdbc.GroupCommit.Item;
import dev.padlock.ca.store.jdbc.GroupCommit.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GroupCommitTest {
  @Test
  @Timeout(30)
  void aBatchWhoseWriterThrowsAnErrorStoresNoneOfItsCallers() throws Exception {
    // The first batch (one caller) is held until two more callers are queued behind it; they make the second
    // batch, whose writer gives both an outcome and then fails with an Error (as H2 did with -ea after a
    // failed write: an AssertionError). Neither may be told its certificate was stored.
    CountDownLatch writingFirst = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger secondBatch = new AtomicInteger();
    GroupCommit group = holdingFirstBatch(writingFirst, release, batch -> {
      secondBatch.set(batch.size());
      batch.forEach(i -> i.outcome = Outcome.STORED);
      throw new AssertionError("v=724 / cnt=0");
    });
    Random random = new Random(3);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      Future<Outcome> first = pool.submit(() -> group.submit(item(random)));
      writingFirst.await();
      List<Future<Object>> others = new ArrayList<>();
      for (int n = 0; n < 2; n++) {
        others.add(pool.submit(() -> {
          try {
            return group.submit(item(random));
          } catch (RuntimeException | Error e) {
            return e;
          }
        }));
      }
      awaitQueued(group, 2);
      release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.STORED);
      List<Object> results = new ArrayList<>();
      for (Future<Object> f : others) {
        results.add(f.get(10, TimeUnit.SECONDS));
      }
      assertThat(results).noneMatch(r -> r == Outcome.STORED);
      assertThat(secondBatch.get()).isEqualTo(2);
      assertThat(results).filteredOn(r -> r instanceof AssertionError a && "v=724 / cnt=0".equals(a.getMessage()))
          .hasSize(1); // the one that wrote
      assertThat(results).filteredOn(r -> r instanceof PadlockException p
          && p.code() == ErrorCode.STORE_UNAVAILABLE).hasSize(1); // the one that waited for it
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  @Timeout(30)
  void aCallerInterruptedWhileQueuedKeepsItsInterruptWhenItsWriteThrowsAnError() throws Exception {
    // The first caller's batch is held; a second caller queues behind it and is interrupted while it waits.
    // Its certificate is still written (it cannot be taken back), in its own turn, and that write fails with
    // an Error: the Error goes on to it, and so must the interrupt it was given.
    CountDownLatch writingFirst = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean writerInterrupted = new AtomicBoolean(true);
    GroupCommit group = holdingFirstBatch(writingFirst, release, batch -> {
      writerInterrupted.set(Thread.currentThread().isInterrupted());
      throw new AssertionError("v=724 / cnt=0");
    });
    Random random = new Random(5);
    ExecutorService pool = Executors.newFixedThreadPool(1);
    AtomicReference<Object> thrown = new AtomicReference<>();
    AtomicBoolean interruptedAfter = new AtomicBoolean();
    Thread second = new Thread(() -> {
      try {
        group.submit(item(random));
      } catch (RuntimeException | Error e) {
        thrown.set(e);
      }
      interruptedAfter.set(Thread.currentThread().isInterrupted());
    });
    try {
      Future<Outcome> first = pool.submit(() -> group.submit(item(random)));
      writingFirst.await();
      second.start();
      awaitQueued(group, 1);
      second.interrupt();
      release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.STORED);
      second.join(10_000);
      assertThat(second.isAlive()).isFalse();
      assertThat((Throwable) thrown.get()).isInstanceOf(AssertionError.class).hasMessage("v=724 / cnt=0");
      assertThat(writerInterrupted.get()).isFalse(); // the write did not run interrupted
      assertThat(interruptedAfter.get()).isTrue();
    } finally {
      release.countDown();
      second.interrupt();
      pool.shutdownNow();
    }
  }

  @Test
  @Timeout(30)
  void aLoneCallerWithAPendingInterruptWritesUninterruptedAndKeepsTheInterrupt() {
    // No wait to clear it: the interrupt was set before submit. H2 would close its file if the write ran so.
    AtomicBoolean writerInterrupted = new AtomicBoolean(true);
    GroupCommit group = new GroupCommit(batch -> {
      writerInterrupted.set(Thread.currentThread().isInterrupted());
      batch.forEach(i -> i.outcome = Outcome.STORED);
    });
    Thread.currentThread().interrupt();
    try {
      assertThat(group.submit(item(new Random(7)))).isEqualTo(Outcome.STORED);
      assertThat(writerInterrupted.get()).isFalse();
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  /**
   * A group whose first batch signals {@code writingFirst}, waits for {@code release}, and is stored; every
   * later batch goes to {@code later}.
   */
  private static GroupCommit holdingFirstBatch(CountDownLatch writingFirst, CountDownLatch release,
      GroupCommit.Writer later) {
    AtomicInteger batches = new AtomicInteger();
    return new GroupCommit(batch -> {
      if (batches.getAndIncrement() == 0) {
        writingFirst.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        batch.forEach(i -> i.outcome = Outcome.STORED);
        return;
      }
      later.write(batch);
    });
  }

  /**
   * Waits until {@code n} callers are queued: not a sleep, they are as soon as their threads run. Gives up
   * (failing the test, not hanging the build) if the test is interrupted by its timeout or after 10 s.
   */
  private static void awaitQueued(GroupCommit group, int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (group.queued() < n) {
      if (Thread.currentThread().isInterrupted() || System.nanoTime() > deadline) {
        throw new AssertionError("fewer than " + n + " callers queued after 10 s");
      }
      Thread.onSpinWait();
    }
  }

  private static Item item(Random random) {
    return new Item(PowerLossTest.record(random), null, null, null);
  }
}
