package dev.padlock.tls.diagnose;

/** A named cause with the detail of this occurrence. */
public record Diagnosis(FailureCause cause, String detail) {

  /** "cause summary: detail" on one line. */
  public String line() {
    return cause.summary() + ": " + detail;
  }
}
