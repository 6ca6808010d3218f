package dev.padlock.ca.audit;

/** An audit event at its place in the log, chained to the entry before it by {@code previousHash}. */
public record AuditEntry(long sequence, AuditEvent event, String previousHash, String hash) {}
