package io.s3dlio.store.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One configuration key: its name, type, default, meaning, the environment variables that set it
 * and the earlier names still accepted. Keys are defined once, in a module's {@link ConfigKeySource};
 * the code reads names and defaults from there, and {@code docs/configuration.md} is generated from
 * there ({@link ConfigCatalog}).
 *
 * @param name the key as it is set (e.g. {@code s3.connect-timeout})
 * @param type how the value is read
 * @param defaultValue the default as a user would write it, or null for none
 * @param description what it does (markdown, one paragraph)
 * @param env environment variables that set it, strongest last
 * @param deprecated earlier names, still read with a deprecation warning
 */
public record ConfigKey(String name, Type type, String defaultValue, String description, List<String> env,
    List<Alias> deprecated) {

  /** How a value is written. Durations and sizes have one syntax across every module. */
  public enum Type {
    STRING("text"),
    SECRET("text that is never logged or printed; Hadoop credential providers can hold it"),
    INT("a whole number"),
    BOOLEAN("`true` or `false`"),
    DURATION("`500ms`, `10s`, `2m`, `1h` (a plain number is milliseconds)"),
    SIZE("`4096`, `64k`, `8m`, `1g` (binary multiples)"),
    URL("`scheme://host[:port][/path]`");

    private final String doc;

    Type(String doc) {
      this.doc = doc;
    }

    /** How the type reads in the documentation. */
    public String doc() {
      return doc;
    }
  }

  /**
   * An earlier name of a key.
   *
   * @param name the old name
   * @param plainUnit for durations: the unit a plain number had under the old name ({@code s}), or
   *     null when a plain number keeps its meaning (milliseconds)
   */
  public record Alias(String name, String plainUnit) {
    public Alias {
      Objects.requireNonNull(name, "name");
    }

    /** The value of the old key written as the new key reads it. */
    String translate(String value) {
      String t = value.trim();
      return plainUnit != null && !t.isEmpty() && t.chars().allMatch(Character::isDigit) ? t + plainUnit : value;
    }
  }

  public ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    env = List.copyOf(env);
    deprecated = List.copyOf(deprecated);
  }

  public static ConfigKey of(String name, Type type, String defaultValue, String description) {
    return new ConfigKey(name, type, defaultValue, description, List.of(), List.of());
  }

  /** This key, also set by the environment variables {@code vars}. */
  public ConfigKey env(String... vars) {
    List<String> e = new ArrayList<>(env);
    e.addAll(List.of(vars));
    return new ConfigKey(name, type, defaultValue, description, e, deprecated);
  }

  /** This key, with earlier names still accepted (a plain number keeps its meaning). */
  public ConfigKey deprecated(String... oldNames) {
    List<Alias> d = new ArrayList<>(deprecated);
    for (String n : oldNames) {
      d.add(new Alias(n, null));
    }
    return new ConfigKey(name, type, defaultValue, description, env, d);
  }

  /** This key, with an earlier name whose plain numbers were in {@code plainUnit} ({@code s}). */
  public ConfigKey deprecatedIn(String oldName, String plainUnit) {
    List<Alias> d = new ArrayList<>(deprecated);
    d.add(new Alias(oldName, plainUnit));
    return new ConfigKey(name, type, defaultValue, description, env, d);
  }

  /** The same definition under another name (gs:// reuses the S3 keys under {@code gcs.}). */
  public ConfigKey renamed(String newName, String newDefault, String newDescription) {
    return new ConfigKey(newName, type, newDefault, newDescription, List.of(), List.of());
  }

  /** The part after the first '.' ({@code connect-timeout} of {@code s3.connect-timeout}). */
  public String suffix() {
    return name.substring(name.indexOf('.') + 1);
  }

  /** The default as an integer. */
  public int intDefault() {
    return Integer.parseInt(defaultValue);
  }

  /** The default as a boolean. */
  public boolean booleanDefault() {
    return Boolean.parseBoolean(defaultValue);
  }

  /** The default as bytes. */
  public long sizeDefault() {
    return Values.parseBytes(name, defaultValue);
  }

  /** The default as a duration. */
  public java.time.Duration durationDefault() {
    return Values.parseDuration(name, defaultValue);
  }
}
