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
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  @Test
  void aBatchWhoseWriterThrowsAnErrorStoresNoneOfItsCallers() throws Exception {
    // The first batch holds one caller and waits until two more are queued behind it; they make the second
    // batch, whose writer gives both an outcome and then fails with an Error (as H2 did with -ea after a
    // failed write: an AssertionError). Neither may be told its certificate was stored.
    CountDownLatch queued = new CountDownLatch(1);
    List<Thread> callers = new ArrayList<>();
    int[] batches = {0};
    GroupCommit group = new GroupCommit(batch -> {
      if (batches[0]++ == 0) {
        try {
          queued.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        batch.forEach(i -> i.outcome = Outcome.STORED);
        return;
      }
      assertThat(batch).hasSize(2);
      batch.forEach(i -> i.outcome = Outcome.STORED);
      throw new AssertionError("v=724 / cnt=0");
    });
    Random random = new Random(3);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      CountDownLatch first = new CountDownLatch(1);
      Future<Outcome> a = pool.submit(() -> {
        synchronized (callers) {
          callers.add(Thread.currentThread());
        }
        first.countDown();
        return group.submit(item(random));
      });
      first.await();
      List<Future<Object>> others = new ArrayList<>();
      for (int n = 0; n < 2; n++) {
        others.add(pool.submit(() -> {
          synchronized (callers) {
            callers.add(Thread.currentThread());
          }
          try {
            return group.submit(item(random));
          } catch (RuntimeException | Error e) {
            return e;
          }
        }));
      }
      // Both waiting in the queue (not a sleep: each has parked in GroupCommit's wait).
      while (true) {
        synchronized (callers) {
          if (callers.size() == 3 && callers.stream().skip(1)
              .allMatch(t -> t.getState() == Thread.State.WAITING)) {
            break;
          }
        }
        Thread.onSpinWait();
      }
      queued.countDown();
      assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo(Outcome.STORED);
      List<Object> results = new ArrayList<>();
      for (Future<Object> f : others) {
        results.add(f.get(10, TimeUnit.SECONDS));
      }
      assertThat(results).noneMatch(r -> r == Outcome.STORED);
      assertThat(results).filteredOn(r -> r instanceof AssertionError).hasSize(1); // the one that wrote
      assertThat(results).filteredOn(r -> r instanceof PadlockException p
          && p.code() == ErrorCode.STORE_UNAVAILABLE).hasSize(1); // the one that waited for it
    } finally {
      pool.shutdownNow();
    }
  }

  private static Item item(Random random) {
    return new Item(PowerLossTest.record(random), null, null, null);
  }
}
