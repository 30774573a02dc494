package io.s3dlio.checkpoint.format;

import io.s3dlio.store.ObjectUri;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a checkpoint's objects live under the checkpoint root {@code R/}:
 * <pre>
 * R/latest                                              hint: the newest committed step (JSON)
 * R/step-000000000042.manifest.json                     the manifest: its creation is the commit
 * R/step-000000000042/SAVE_ID/rank-00001-of-00003.shard one shard per rank
 * </pre>
 * Steps are zero-padded to at least 12 digits; save ids match {@value #SAVE_ID_PATTERN}.
 */
public final class Layout {
  public static final String LATEST = "latest";
  public static final String SAVE_ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";
  private static final Pattern SAVE_ID = Pattern.compile(SAVE_ID_PATTERN);
  private static final Pattern MANIFEST = Pattern.compile("step-(\\d{12,19})\\.manifest\\.json");
  private static final Pattern STEP_DIR = Pattern.compile("step-(\\d{12,19})/?");
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ObjectUri root;

  public Layout(ObjectUri root) {
    this.root = root.key().isEmpty() || root.key().endsWith("/") ? root : root.withKey(root.key() + "/");
  }

  /** The checkpoint root, ending with '/'. */
  public ObjectUri root() {
    return root;
  }

  public ObjectUri latest() {
    return root.child(LATEST);
  }

  public static String manifestName(long step) {
    return "step-" + String.format("%012d", checkStep(step)) + ".manifest.json";
  }

  public ObjectUri manifest(long step) {
    return root.child(manifestName(step));
  }

  public static String stepDirName(long step) {
    return "step-" + String.format("%012d", checkStep(step)) + "/";
  }

  public ObjectUri stepDir(long step) {
    return root.child(stepDirName(step));
  }

  public ObjectUri saveDir(long step, String saveId) {
    return root.child(stepDirName(step) + checkSaveId(saveId) + "/");
  }

  /** The shard key relative to the root, as the manifest records it. */
  public static String shardKey(long step, String saveId, int rank, int worldSize) {
    return stepDirName(step) + checkSaveId(saveId) + "/" + String.format("rank-%05d-of-%05d.shard", rank, worldSize);
  }

  /** An object under the root named by a relative key from a manifest (no "..", no absolute keys). */
  public ObjectUri resolve(String relativeKey) {
    if (relativeKey.isEmpty() || relativeKey.startsWith("/") || relativeKey.contains("..")) {
      throw new IllegalArgumentException("invalid relative key '" + relativeKey + "'");
    }
    return root.child(relativeKey);
  }

  /** The step of a manifest name, or -1 when {@code name} is not one. */
  public static long manifestStep(String name) {
    Matcher m = MANIFEST.matcher(name);
    return m.matches() ? parse(m.group(1)) : -1;
  }

  /** The step of a step folder name ("step-000000000042" or with '/'), or -1. */
  public static long stepDirStep(String name) {
    Matcher m = STEP_DIR.matcher(name);
    return m.matches() ? parse(m.group(1)) : -1;
  }

  private static long parse(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public static long checkStep(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("Invalid checkpoint step " + step + ": steps are >= 0");
    }
    return step;
  }

  public static String checkSaveId(String id) {
    if (id == null || !SAVE_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("Invalid save id '" + id + "' (expected " + SAVE_ID_PATTERN + ")");
    }
    return id;
  }

  /** A new save id: UTC time and 48 random bits, e.g. {@code 20250101T120000Z-3f9a0c1b2d4e}. */
  public static String newSaveId() {
    byte[] r = new byte[6];
    RANDOM.nextBytes(r);
    return ZonedDateTime.now(ZoneOffset.UTC).format(ID_TIME) + "-" + HexFormat.of().formatHex(r);
  }
}
