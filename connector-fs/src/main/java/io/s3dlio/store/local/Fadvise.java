package io.s3dlio.store.local;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import java.io.FileDescriptor;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code posix_fadvise(2)} on Java file descriptors, through JNA.
 *
 * <p>On Linux the hint reaches the kernel: {@link Advice#SEQUENTIAL} doubles readahead,
 * {@link Advice#RANDOM} turns it off, {@link Advice#WILLNEED} starts reading pages in,
 * {@link Advice#DONTNEED} drops clean cached pages. Where the call does not exist (macOS, Windows)
 * or cannot be bound, {@link #advise} does nothing and returns false: reads behave the same, only
 * without the hint. Hints never change the bytes read, so a failed hint is not an error.
 */
public final class Fadvise {
  private static final Logger LOG = LoggerFactory.getLogger(Fadvise.class);
  private static final boolean AVAILABLE;
  private static final long FD_OFFSET;
  private static final sun.misc.Unsafe UNSAFE;

  /** The advice values of Linux's {@code <fcntl.h>}. */
  public enum Advice {
    NORMAL(0), RANDOM(1), SEQUENTIAL(2), WILLNEED(3), DONTNEED(4), NOREUSE(5);

    final int code;

    Advice(int code) {
      this.code = code;
    }
  }

  static {
    boolean ok = false;
    long offset = -1;
    sun.misc.Unsafe unsafe = null;
    if (Platform.isLinux()) {
      try {
        Native.register(Fadvise.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
        Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        unsafe = (sun.misc.Unsafe) f.get(null);
        offset = unsafe.objectFieldOffset(FileDescriptor.class.getDeclaredField("fd"));
        ok = true;
      } catch (Throwable t) {
        LOG.debug("posix_fadvise unavailable; local reads run without kernel hints", t);
      }
    }
    AVAILABLE = ok;
    FD_OFFSET = offset;
    UNSAFE = unsafe;
  }

  private Fadvise() {
  }

  private static native int posix_fadvise(int fd, long offset, long len, int advice);

  /** Whether hints reach the kernel on this platform. */
  public static boolean isAvailable() {
    return AVAILABLE;
  }

  /**
   * Gives the kernel a hint about {@code [offset, offset + length)} of an open file
   * ({@code length 0} means to the end of the file).
   *
   * @return true when the kernel accepted the hint; false when the platform has no fadvise or the
   *     call failed (the errno is logged at debug level)
   */
  public static boolean advise(FileDescriptor fd, long offset, long length, Advice advice) {
    if (!AVAILABLE || fd == null || !fd.valid()) {
      return false;
    }
    int rc = posix_fadvise(UNSAFE.getInt(fd, FD_OFFSET), offset, length, advice.code);
    if (rc != 0) {
      LOG.debug("posix_fadvise({}, {}, {}) returned errno {}", advice, offset, length, rc);
    }
    return rc == 0;
  }
}
