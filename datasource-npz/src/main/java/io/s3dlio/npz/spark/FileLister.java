package io.s3dlio.npz.spark;

import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Lists the input files of a read on the driver: each path is an object, or a prefix ("directory")
 * listed recursively for names ending in the format's extension. Names with a segment starting with
 * '_' or '.' (staging folders, hidden files) are skipped.
 */
final class FileLister {
  private FileLister() {
  }

  static List<InputFile> list(List<String> paths, String extension, Map<String, String> settings) {
    List<InputFile> out = new ArrayList<>();
    for (String p : paths) {
      ObjectUri uri = StoreAccess.uri(p);
      try {
        ObjectStore store = StoreAccess.store(settings, uri);
        try {
          out.add(new InputFile(uri.toString(), store.stat(uri).size()));
          continue;
        } catch (FileNotFoundException notAnObject) {
          // a prefix
        }
        String key = uri.key();
        ObjectUri prefix = key.isEmpty() || key.endsWith("/") ? uri : uri.withKey(key + "/");
        List<InputFile> found = new ArrayList<>();
        Iterator<ObjectEntry> it = store.list(prefix, ListOptions.recursive());
        while (it.hasNext()) {
          ObjectEntry e = it.next();
          String rel = e.uri().key().substring(prefix.key().length());
          if (!e.isPrefix() && rel.endsWith(extension) && !hidden(rel)) {
            found.add(new InputFile(e.uri().toString(), e.size()));
          }
        }
        if (found.isEmpty()) {
          throw new IllegalArgumentException("Cannot read " + p + ": no " + extension + " files found there");
        }
        out.addAll(found);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list " + p + ": " + e.getMessage(), e);
      }
    }
    out.sort(Comparator.comparing(InputFile::uri));
    return out;
  }

  private static boolean hidden(String rel) {
    for (String seg : rel.split("/")) {
      if (seg.startsWith("_") || seg.startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
