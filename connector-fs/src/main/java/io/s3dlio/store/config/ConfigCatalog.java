package io.s3dlio.store.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * Every configuration key of the modules on the class path, gathered from their
 * {@link ConfigKeySource}s: the environment variables of each key, the earlier names that are still
 * accepted (each logged once, naming the old and the new key), and the generated
 * {@code docs/configuration.md} ({@link #markdown()}; {@code main} writes it).
 */
public final class ConfigCatalog {
  /** Store keys that {@code S3DLIO_<KEY>} variables set start with one of these backends. */
  private static final List<String> ENV_BACKENDS = List.of("s3", "azure", "gcs", "local", "direct");

  /** The prefix under which Hadoop Configurations hold every store key. */
  private static final String FS_PREFIX = "fs.s3dlio.";

  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  private static volatile List<ConfigSection> sections;
  private static volatile Map<String, Rename> renames;

  /** An earlier name and the key it now sets. */
  public record Rename(ConfigKey.Alias alias, ConfigKey key) {
  }

  private ConfigCatalog() {
  }

  /** Every section of every module on the class path, in documentation order. */
  public static List<ConfigSection> sections() {
    List<ConfigSection> s = sections;
    if (s == null) {
      List<ConfigKeySource> sources = new ArrayList<>();
      ServiceLoader.load(ConfigKeySource.class, ConfigKeySource.class.getClassLoader()).forEach(sources::add);
      sources.sort(Comparator.comparingInt(ConfigKeySource::order));
      List<ConfigSection> all = new ArrayList<>();
      sources.forEach(src -> all.addAll(src.sections()));
      s = sections = List.copyOf(all);
    }
    return s;
  }

  /** Every key, in documentation order. */
  public static List<ConfigKey> keys() {
    List<ConfigKey> all = new ArrayList<>();
    sections().forEach(sec -> all.addAll(sec.keys()));
    return all;
  }

  /** Earlier names, each with the key it now sets. */
  public static Map<String, Rename> renames() {
    Map<String, Rename> r = renames;
    if (r == null) {
      Map<String, Rename> m = new TreeMap<>();
      for (ConfigKey k : keys()) {
        k.deprecated().forEach(a -> m.put(a.name(), new Rename(a, k)));
      }
      r = renames = java.util.Collections.unmodifiableMap(m);
    }
    return r;
  }

  /**
   * {@code values} with every earlier name replaced by its key (unless the key is set too: then the
   * earlier name is ignored). Each earlier name met is logged once per JVM, naming old and new key;
   * values are never logged.
   */
  public static Map<String, String> applyRenames(Map<String, String> values) {
    Map<String, Rename> r = renames();
    if (r.isEmpty() || values.keySet().stream().noneMatch(r::containsKey)) {
      return values;
    }
    Map<String, String> out = new TreeMap<>(values);
    values.forEach((k, v) -> {
      Rename rename = r.get(k);
      if (rename == null) {
        return;
      }
      String newName = rename.key().name();
      out.remove(k);
      if (values.containsKey(newName)) {
        warnOnce(k, "Setting " + k + " is deprecated and ignored: " + newName + " is set too");
      } else {
        out.put(newName, rename.alias().translate(v));
        warnOnce(k, "Setting " + k + " is deprecated: use " + newName + " (the value is used as " + newName + ")");
      }
    });
    return out;
  }

  private static void warnOnce(String oldName, String message) {
    if (WARNED.add(oldName)) {
      // the logger is made here, not when the class loads: settings are read before the CLI sets the log level
      LoggerFactory.getLogger(ConfigCatalog.class).warn(message);
    }
  }

  /**
   * Environment variables and the store keys each one sets, from the keys' definitions (a
   * FileSystem key {@code fs.s3dlio.<key>} reaches the store settings as {@code <key>}).
   */
  public static Map<String, List<String>> envKeys() {
    Map<String, List<String>> m = new TreeMap<>();
    for (ConfigKey k : keys()) {
      String key = k.name().startsWith(FS_PREFIX) ? k.name().substring(FS_PREFIX.length()) : k.name();
      k.env().forEach(v -> m.computeIfAbsent(v, x -> new ArrayList<>()).add(key));
    }
    return m;
  }

  /** Keys that hold secrets, with their earlier names. */
  public static List<String> secretKeys() {
    List<String> out = new ArrayList<>();
    for (ConfigKey k : keys()) {
      if (k.type() == ConfigKey.Type.SECRET) {
        out.add(k.name());
        k.deprecated().forEach(a -> out.add(a.name()));
      }
    }
    return out;
  }

  /**
   * The environment variable of a store key: {@code S3DLIO_} then the key upper-cased with '.' and
   * '-' as '_' ({@code s3.checksum-calculation} is {@code S3DLIO_S3_CHECKSUM_CALCULATION}).
   */
  public static String envOf(String key) {
    return "S3DLIO_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * The store key of an {@code S3DLIO_<BACKEND>_<NAME>} variable, or null for any other variable:
   * the backend ({@code S3}, {@code AZURE}, {@code GCS}, {@code LOCAL}, {@code DIRECT}) lower-cased,
   * a '.', then the name lower-cased with '_' as '-' (store keys have no '_' and one '.').
   */
  public static String keyOfEnv(String var) {
    if (!var.startsWith("S3DLIO_")) {
      return null;
    }
    String rest = var.substring("S3DLIO_".length()).toLowerCase(Locale.ROOT);
    for (String backend : ENV_BACKENDS) {
      if (rest.startsWith(backend + "_") && rest.length() > backend.length() + 1) {
        return backend + "." + rest.substring(backend.length() + 1).replace('_', '-');
      }
    }
    return null;
  }

  /** Whether {@code S3DLIO_<KEY>} sets this key. */
  static boolean hasGenericEnv(String key) {
    return ENV_BACKENDS.contains(key.substring(0, Math.max(0, key.indexOf('.'))));
  }

  /** {@code docs/configuration.md}. */
  public static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Configuration keys\n\n")
        .append("<!-- Generated from the key definitions in the code (io.s3dlio.store.config.ConfigCatalog).\n")
        .append("     Do not edit: run bin/configuration-doc. TestConfigurationDoc fails when this file is stale. -->\n\n")
        .append("Every key of every module, generated from the one place where each module defines its keys\n")
        .append("(`ConfigKeySource` implementations), so that this page and the code cannot disagree.\n\n")
        .append("Store keys (the `s3.`, `gcs.`, `azure.`, `local.`, `direct.`, `metrics.`, `oplog.` and\n")
        .append("`checkpoint.` keys) are set in a `StoreConfig` (`StoreConfig.of(map)`, `fromEnvironment()`),\n")
        .append("with `--set KEY=VALUE` on `bin/s3dlio`, or for the Hadoop FileSystem and Spark as\n")
        .append("`fs.s3dlio.<key>` (`spark.hadoop.fs.s3dlio.<key>` in Spark; per bucket\n")
        .append("`fs.s3dlio.bucket.<bucket>.<key>`). Environment variables are read first; explicit settings win.\n")
        .append("Any `s3.`, `gcs.`, `azure.`, `local.` or `direct.` key can also be set as `S3DLIO_<KEY>`\n")
        .append("(upper case, `.` and `-` as `_`), which wins over the standard variables.\n\n")
        .append("One syntax everywhere: durations `500ms`, `10s`, `2m`, `1h` (a plain number is milliseconds);\n")
        .append("sizes `4096`, `64k`, `8m`, `1g` (binary multiples). Earlier key names are still accepted:\n")
        .append("each is logged once as deprecated, naming the new key ([Deprecated names](#deprecated-names)).\n\n")
        .append("Types:\n\n");
    for (ConfigKey.Type t : ConfigKey.Type.values()) {
      md.append("- `").append(typeName(t)).append("`: ").append(t.doc()).append('\n');
    }
    md.append("\nSections:\n\n");
    for (ConfigSection s : sections()) {
      md.append("- [").append(s.title()).append("](#").append(anchor(s.title())).append(")\n");
    }
    md.append("- [Deprecated names](#deprecated-names)\n");
    for (ConfigSection s : sections()) {
      md.append("\n## ").append(s.title()).append("\n\n");
      if (!s.intro().isEmpty()) {
        md.append(s.intro()).append("\n\n");
      }
      md.append("| key | type | default | environment | meaning |\n|---|---|---|---|---|\n");
      for (ConfigKey k : s.keys()) {
        List<String> env = new ArrayList<>(k.env());
        if (hasGenericEnv(k.name())) {
          env.add(envOf(k.name()));
        }
        md.append("| `").append(k.name()).append("` | ").append(typeName(k.type())).append(" | ")
            .append(k.defaultValue() == null ? "" : "`" + k.defaultValue() + "`").append(" | ")
            .append(String.join(", ", env.stream().map(e -> "`" + e + "`").toList())).append(" | ")
            .append(cell(k.description())).append(" |\n");
      }
    }
    md.append("\n## Deprecated names\n\n")
        .append("Still read; the first use in a JVM logs a warning naming both keys. When both are set, the new key wins.\n\n")
        .append("| earlier name | now | note |\n|---|---|---|\n");
    renames().forEach((old, r) -> md.append("| `").append(old).append("` | `").append(r.key().name()).append("` | ")
        .append(r.alias().plainUnit() == null ? "" : "a plain number was in `" + r.alias().plainUnit() + "`; it still is under the old name")
        .append(" |\n"));
    return md.toString();
  }

  private static String typeName(ConfigKey.Type t) {
    return t.name().toLowerCase(Locale.ROOT);
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as '-'. */
  public static String anchor(String heading) {
    return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
  }

  /** Writes {@link #markdown()} to the file given (default {@code docs/configuration.md}). */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/configuration.md");
    Files.writeString(out, markdown(), StandardCharsets.UTF_8);
    System.out.println("wrote " + out + " (" + keys().size() + " keys)");
  }

  /** Sections by title, for tests. */
  static Map<String, ConfigSection> byTitle() {
    Map<String, ConfigSection> m = new LinkedHashMap<>();
    sections().forEach(s -> m.put(s.title(), s));
    return m;
  }
}
