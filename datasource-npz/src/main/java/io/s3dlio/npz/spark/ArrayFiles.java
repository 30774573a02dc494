package io.s3dlio.npz.spark;

import io.s3dlio.npz.format.ArrayFile;
import io.s3dlio.npz.format.NpyFile;
import io.s3dlio.npz.format.NpzReader;
import io.s3dlio.npz.format.RangeSource;
import io.s3dlio.store.ObjectUri;
import java.io.IOException;
import java.util.Map;

/** Opens an input file as an {@link ArrayFile} through the object store. */
final class ArrayFiles {
  private ArrayFiles() {
  }

  static ArrayFile open(String format, InputFile f, Map<String, String> settings) throws IOException {
    ObjectUri uri = ObjectUri.parse(f.uri());
    RangeSource src = RangeSource.of(StoreAccess.store(settings, uri), uri, f.size());
    return "npy".equals(format) ? new NpyFile(src) : NpzReader.open(src);
  }
}
