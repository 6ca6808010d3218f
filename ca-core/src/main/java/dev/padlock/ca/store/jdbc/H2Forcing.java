package dev.padlock.ca.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;

/**
 * The body of H2's {@code PADLOCK_FORCE()} function, which every H2 database padlock opens has: forces the
 * database and points its store header at what is forced, in the process that holds the file. Another
 * process writing through that one's AUTO_SERVER (the CLI while {@code padlock serve} runs) calls it after
 * each commit, as {@link H2Compaction#force} does in the process itself. Not for other callers.
 */
public final class H2Forcing {
  private H2Forcing() {}

  /** Called by H2 with the calling session's connection (a session of the process holding the file). */
  public static void force(Connection c) throws SQLException {
    if (c.isWrapperFor(JdbcConnection.class)
        && c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session
        && !session.getUser().isAdmin()) {
      throw new SQLException(H2Compaction.FORCE_ALIAS + " is for the database's admin (padlock's own user), as "
          + "CHECKPOINT is", "42000", org.h2.api.ErrorCode.ADMIN_RIGHTS_REQUIRED);
    }
    MVStore store = H2Compaction.mvStore(c);
    if (store == null) {
      H2Compaction.sync(c);
      return;
    }
    H2Compaction.forceAndPoint(store);
  }
}
