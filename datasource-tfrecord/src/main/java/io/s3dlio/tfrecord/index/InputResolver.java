package io.s3dlio.tfrecord.index;

import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStat;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreRegistry;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns input arguments into the TFRecord objects they name, on any backend:
 * <ul>
 *   <li>a file: {@code s3://b/data/a.tfrecord} (a plain path means a local file);</li>
 *   <li>a glob in the last segments: {@code s3://b/data/train-*.tfrecord} ({@code *} and
 *       {@code ?} stay within one path segment, {@code **} crosses segments);</li>
 *   <li>a prefix: {@code s3://b/data/} (or a local directory), every object under it.</li>
 * </ul>
 * Listings skip side files: names ending in {@code .idx} or {@code .keyidx} and names starting
 * with {@code .} or {@code _} (such as {@code _SUCCESS}). Results are in key order, without
 * duplicates. An argument that matches nothing is a {@link FileNotFoundException} naming it.
 */
public final class InputResolver {
  private final StoreRegistry stores;

  public InputResolver(StoreRegistry stores) {
    this.stores = stores;
  }

  /** A CLI argument as a URI: a string without a scheme is a local path. */
  public static ObjectUri parseArg(String arg) {
    if (!arg.contains("://") && !arg.startsWith("file:") && !arg.startsWith("direct:")) {
      String abs = Path.of(arg).toAbsolutePath().normalize().toString();
      if (arg.endsWith("/") && !abs.endsWith("/")) {
        abs += "/";
      }
      return ObjectUri.local(ObjectUri.Scheme.FILE, abs);
    }
    return ObjectUri.parse(arg);
  }

  /** The objects named by {@code args} (see the class comment). */
  public List<ObjectStat> resolve(List<String> args) throws IOException {
    Map<ObjectUri, ObjectStat> out = new LinkedHashMap<>();
    for (String arg : args) {
      for (ObjectStat s : resolve(arg)) {
        out.putIfAbsent(s.uri(), s);
      }
    }
    return new ArrayList<>(out.values());
  }

  public List<ObjectStat> resolve(String arg) throws IOException {
    ObjectUri uri = parseArg(arg);
    ObjectStore store = stores.storeFor(uri);
    String key = uri.key();
    int glob = firstGlobChar(key);
    if (glob >= 0) {
      int slash = key.lastIndexOf('/', glob);
      ObjectUri prefix = uri.withKey(key.substring(0, slash + 1));
      Pattern p = globToRegex(key);
      List<ObjectStat> found = list(store, prefix, k -> p.matcher(k).matches());
      if (found.isEmpty()) {
        throw new FileNotFoundException("No TFRecord files match " + arg);
      }
      return found;
    }
    if (!key.isEmpty() && !key.endsWith("/")) {
      try {
        return List.of(store.stat(uri));
      } catch (FileNotFoundException notAnObject) {
        List<ObjectStat> found = list(store, uri.withKey(key + "/"), k -> true);
        if (found.isEmpty()) {
          throw new FileNotFoundException("No such TFRecord file or prefix: " + arg);
        }
        return found;
      }
    }
    List<ObjectStat> found = list(store, uri, k -> true);
    if (found.isEmpty()) {
      throw new FileNotFoundException("No TFRecord files under " + arg);
    }
    return found;
  }

  private static List<ObjectStat> list(ObjectStore store, ObjectUri prefix, java.util.function.Predicate<String> keep)
      throws IOException {
    List<ObjectStat> out = new ArrayList<>();
    try {
      Iterator<ObjectEntry> it = store.list(prefix, ListOptions.recursive());
      while (it.hasNext()) {
        ObjectEntry e = it.next();
        if (e.isPrefix()) {
          continue;
        }
        String name = e.uri().name();
        if (name.endsWith(".idx") || name.endsWith(".keyidx") || name.startsWith(".") || name.startsWith("_")) {
          continue;
        }
        if (keep.test(e.uri().key())) {
          out.add(e.stat());
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (FileNotFoundException e) {
      return out;
    }
    out.sort((a, b) -> a.uri().key().compareTo(b.uri().key()));
    return out;
  }

  static int firstGlobChar(String key) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '*' || c == '?' || c == '[') {
        return i;
      }
    }
    return -1;
  }

  static Pattern globToRegex(String glob) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          sb.append(".*");
          i++;
        } else {
          sb.append("[^/]*");
        }
      } else if (c == '?') {
        sb.append("[^/]");
      } else if (c == '[') {
        int close = glob.indexOf(']', i);
        if (close < 0) {
          sb.append("\\[");
        } else {
          sb.append('[').append(glob, i + 1, close).append(']');
          i = close;
        }
      } else {
        sb.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(sb.toString());
  }
}
