package io.s3dlio.bridge.wire;

/** Frame types of the bridge protocol (docs/bridge-protocol.md). */
public final class FrameType {
  /** Client: JSON {protocol, token, rank, world_size, credits}. */
  public static final int HELLO = 1;
  /** Server: JSON with the dataset's shape and the plan's fingerprint. */
  public static final int WELCOME = 2;
  /** Server: the Arrow IPC schema message. */
  public static final int SCHEMA = 3;
  /** Client: JSON {epoch, offset[, seed, fingerprint][, reconnect, consumed]}. */
  public static final int START = 4;
  /** Server: JSON {epoch, offset, steps, ...}, before the epoch's first batch. */
  public static final int EPOCH = 5;
  /** Server: 32-byte batch header, then an Arrow IPC record batch message. */
  public static final int BATCH = 6;
  /** Client: i64 epoch, i64 steps consumed (cumulative). */
  public static final int ACK = 7;
  /** Server: JSON {epoch, steps}: no more batches in this run. */
  public static final int END = 8;
  /** Server: JSON {code, message}. */
  public static final int ERROR = 9;
  /** Client: empty, closing. */
  public static final int BYE = 10;

  private FrameType() {
  }

  public static String name(int type) {
    return switch (type) {
      case HELLO -> "HELLO";
      case WELCOME -> "WELCOME";
      case SCHEMA -> "SCHEMA";
      case START -> "START";
      case EPOCH -> "EPOCH";
      case BATCH -> "BATCH";
      case ACK -> "ACK";
      case END -> "END";
      case ERROR -> "ERROR";
      case BYE -> "BYE";
      default -> "type " + type;
    };
  }
}
