package io.s3dlio.store.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import java.io.FileDescriptor;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TestFadvise {

  @Test
  void hintsReachTheKernelOnLinux() throws Exception {
    assumeTrue(Platform.isLinux(), "posix_fadvise is a Linux call");
    assertThat(Fadvise.isAvailable()).isTrue();
    Path f = Files.createTempFile("fadvise", ".bin");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
      for (Fadvise.Advice a : Fadvise.Advice.values()) {
        assertThat(Fadvise.advise(raf.getFD(), 0, 0, a)).as(a.name()).isTrue();
      }
      // a negative length is EINVAL from the kernel: the call really reached it
      assertThat(Fadvise.advise(raf.getFD(), 0, -1, Fadvise.Advice.NORMAL)).isFalse();
    } finally {
      Files.delete(f);
    }
  }

  @Test
  void invalidDescriptorIsNotAnError() {
    assertThat(Fadvise.advise(new FileDescriptor(), 0, 0, Fadvise.Advice.SEQUENTIAL)).isFalse();
    assertThat(Fadvise.advise(null, 0, 0, Fadvise.Advice.SEQUENTIAL)).isFalse();
  }
}
