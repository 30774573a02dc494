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

  // Executor task -> driver uploads (between the JVMs of the Spark application; ranks never see them).
  /** Task: JSON offer of an encoded partition (secret, unit, partition, attempt, rows, checksum, lengths). */
  public static final int UPLOAD_OFFER = 32;
  /** Driver: JSON decision (go, same, differs, refused). */
  public static final int UPLOAD_REPLY = 33;
  /** Task: the partition's output positions (i64 each), Arrow metadata and buffers, unpadded. */
  public static final int UPLOAD_DATA = 34;
  /** Driver: JSON {bytes, crc} once the data is stored, or {error}. */
  public static final int UPLOAD_STORED = 35;

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
      case UPLOAD_OFFER -> "UPLOAD_OFFER";
      case UPLOAD_REPLY -> "UPLOAD_REPLY";
      case UPLOAD_DATA -> "UPLOAD_DATA";
      case UPLOAD_STORED -> "UPLOAD_STORED";
      default -> "type " + type;
    };
  }
}
