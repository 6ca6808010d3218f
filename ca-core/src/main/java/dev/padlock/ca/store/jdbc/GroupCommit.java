package dev.padlock.ca.store.jdbc;

import dev.padlock.ca.ErrorCode;
import dev.padlock.ca.PadlockException;
import dev.padlock.ca.audit.AuditEvent;
import dev.padlock.ca.store.CertificateRecord;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Group commit of issued certificates: callers that arrive while a batch is being written queue up, and
 * the next batch writes all of them in one transaction (one durable commit instead of one each). Each
 * caller returns only once the transaction holding its certificate has committed, with that
 * certificate's own outcome, so "persist, then return" holds for every one of them.
 *
 * <p>There is no writer thread: the first caller to find no batch in progress writes, and when it is done
 * it hands the turn to the caller at the head of the queue, then returns. A lone caller writes its own
 * certificate with no hand-off; the queue only forms under concurrency, which is when batching pays.
 */
final class GroupCommit {
  /** At most this many certificates per transaction. */
  static final int MAX_BATCH = 256;

  /** What becomes of a queued certificate. */
  enum Outcome { STORED, TOKEN_REFUSED }

  /** A certificate to store, with its audit event and, for a token enrollment, the token to spend first. */
  static final class Item {
    final CertificateRecord record;
    final AuditEvent event;
    final String tokenHash;
    final Instant now;
    Outcome outcome;
    RuntimeException failure;
    private boolean done;
    private boolean turn;

    Item(CertificateRecord record, AuditEvent event, String tokenHash, Instant now) {
      this.record = record;
      this.event = event;
      this.tokenHash = tokenHash;
      this.now = now;
    }
  }

  /**
   * Writes a batch in one transaction, setting each item's outcome or failure. If it throws, every item
   * without a failure of its own fails with what it threw, whatever outcome it was given.
   */
  @FunctionalInterface
  interface Writer {
    void write(List<Item> batch);
  }

  private final Writer writer;
  private final ArrayDeque<Item> queue = new ArrayDeque<>();
  private boolean writing;

  GroupCommit(Writer writer) {
    this.writer = writer;
  }

  /** Queues {@code item} and returns once it is committed (or throws its failure). */
  Outcome submit(Item item) {
    List<Item> batch = new ArrayList<>();
    boolean interrupted = false;
    synchronized (this) {
      queue.add(item);
      while (writing && !item.done && !item.turn) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted = true; // the item is queued and will be written: it cannot be taken back
        }
      }
      if (!item.done) {
        writing = true;
        while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
          batch.add(queue.poll());
        }
      }
    }
    try {
      if (!batch.isEmpty()) {
        write(batch);
      }
    } finally {
      if (interrupted) { // set again, also when the write throws
        Thread.currentThread().interrupt();
      }
    }
    if (item.failure != null) {
      throw item.failure;
    }
    if (item.outcome == null) { // the batch's writer stopped with an error, not an exception
      throw new PadlockException(ErrorCode.STORE_UNAVAILABLE,
          "the certificate store failed while writing this certificate's batch");
    }
    return item.outcome;
  }

  /**
   * Writes {@code batch} (this caller's turn), settles every item of it, and hands the turn on. An Error from
   * the writer goes on to this caller, after every item is settled.
   */
  private void write(List<Item> batch) {
    boolean settled = false;
    try {
      // Not interrupted (see Uninterrupted): neither with an interrupt that came before submit or that the
      // wait in submit did not throw (it returned for a notify that came first), nor with one that comes while
      // the writer waits for the writers' turn. Inside the try: what run allocates may fail too.
      Uninterrupted.run(() -> {
        writer.write(batch);
        return null;
      });
      settled = true;
    } catch (RuntimeException e) {
      // The writer failed: no item of the batch is known to be on the disk, whatever outcome the writer
      // gave it before it failed (a certificate it inserted, in a transaction that then could not commit).
      fail(batch, e);
      settled = true; // every item has its failure
    } finally {
      if (!settled) {
        // The same for an error (an AssertionError from the database's code, OutOfMemoryError): no outcome
        // stands (nothing allocated here, so this cannot fail), and each caller of the batch without a
        // failure of its own throws the store's failure in submit; this one throws the error itself, on.
        for (int n = 0; n < batch.size(); n++) {
          batch.get(n).outcome = null;
        }
      }
      synchronized (this) {
        for (int n = 0; n < batch.size(); n++) { // no iterator: nothing allocated here
          batch.get(n).done = true;
        }
        if (queue.isEmpty()) {
          writing = false;
        } else {
          queue.peek().turn = true;
        }
        notifyAll();
      }
    }
  }

  /** How many callers wait in the queue (tests). */
  synchronized int queued() {
    return queue.size();
  }

  private static void fail(List<Item> batch, RuntimeException e) {
    for (Item i : batch) {
      if (i.failure == null) {
        i.outcome = null;
        i.failure = e;
      }
    }
  }
}
