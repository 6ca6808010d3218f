package dev.padlock.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MachineCpuTest {
  // Two readings of a 2-core machine's /proc/stat, 1 s apart (values in jiffies): 120 of 200 busy.
  private static final String BEFORE = """
      cpu  1000 10 300 5000 40 0 6 0 0 0
      cpu0 500 5 150 2500 20 0 3 0 0 0
      cpu1 500 5 150 2500 20 0 3 0 0 0
      intr 12345
      """;
  private static final String AFTER = """
      cpu  1090 10 325 5070 50 0 11 0 7 0
      cpu0 545 5 162 2535 25 0 6 0 3 0
      cpu1 545 5 163 2535 25 0 5 0 4 0
      intr 12399
      """;

  @Test
  void busyIsTheShareOfTimeNeitherIdleNorWaitingForIo() {
    MachineCpu.Reading before = MachineCpu.parse(BEFORE);
    MachineCpu.Reading after = MachineCpu.parse(AFTER);

    // user 90 + system 25 + softirq 5 = 120 busy; idle 70 and iowait 10 are not; guest (7) is inside user.
    assertThat(after.total() - before.total()).isEqualTo(200);
    assertThat(MachineCpu.busy(before, after)).hasValue(0.6);
  }

  @Test
  void noTimeOrNoReadingGivesNothing() {
    MachineCpu.Reading r = MachineCpu.parse(BEFORE);

    assertThat(MachineCpu.busy(r, r)).isEmpty();
    assertThat(MachineCpu.busy(null, r)).isEmpty();
    assertThatThrownBy(() -> MachineCpu.parse("intr 1\n")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsThisMachine() {
    MachineCpu.Reading r = MachineCpu.read();

    assertThat(r).isNotNull(); // Linux: what the bench and CI run on
    assertThat(r.busy()).isPositive().isLessThan(r.total());
  }
}
