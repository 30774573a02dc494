package io.s3dlio.bridge.wire;

import java.io.IOException;

/** A frame that is cut short, too long, or fails its CRC32C. */
public final class FrameException extends IOException {
  public FrameException(String message) {
    super(message);
  }
}
