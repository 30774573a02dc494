package io.s3dlio.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** StreamToPython counts the rows the consumers say they received, not what the plan promised. */
class TestStreamToPythonSummary {
  @Test
  void theConsumersOwnCountIsTaken() throws IOException {
    String out = "checksum {\"id\": 12}\nrank 1: 768 samples in 0.52 s: 1477 samples/s, 3.1 MB/s, cpu 0.40 s";
    assertThat(StreamToPython.samplesReported(out)).isEqualTo(768);
    assertThat(StreamToPython.samplesReported("rank 0: 0 samples in 0.01 s: 0 samples/s, 0.0 MB/s, cpu 0.1 s"))
        .isZero();
  }

  @Test
  void aConsumerWithoutItsSummaryIsAnError() {
    assertThatThrownBy(() -> StreamToPython.samplesReported("Traceback (most recent call last):\n  ..."))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("without its summary line")
        .hasMessageContaining("Traceback");
  }
}
