package io.s3dlio.npz.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import org.apache.spark.paths.SparkPath;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.FilePartition;
import org.apache.spark.sql.execution.datasources.PartitionedFile;

/**
 * Spark's {@link FilePartition}, shipped to its task in a compact form: each file's path as the
 * characters it does not share with the previous file's (files of one folder differ only in their
 * names), its offsets and times as plain numbers, instead of Java serialization's three objects per
 * file ({@code PartitionedFile}, {@code SparkPath}, the path string), each with its own handle and
 * reflective field access. On 20,000 small files in 11 tasks that was ~1 us per file to write
 * (serially, on the driver, before the tasks start) and as much to read (docs/npz.md). The task
 * gets a plain {@code FilePartition} of equal files (the proxy's {@code readResolve}); the driver
 * uses this one as Spark's (preferred locations from the files' block hosts, which Spark does not
 * ship either: {@code PartitionedFile.locations} is transient).
 */
final class CompactFilePartition extends FilePartition {
  @Serial
  private static final long serialVersionUID = 1L;

  CompactFilePartition(FilePartition p) {
    super(p.index(), p.files());
  }

  @Serial
  private Object writeReplace() throws ObjectStreamException {
    return new Form(index(), files());
  }

  /** The serialized form; read back as a {@code FilePartition}. */
  private static final class Form implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
    /** Longest piece of a path written with one {@code writeUTF} (at most 3 bytes a char: under 64 KiB). */
    private static final int UTF_CHUNK = 16_384;
    private static final String[] NO_HOSTS = new String[0];

    private transient int index;
    private transient PartitionedFile[] files;

    Form(int index, PartitionedFile[] files) {
      this.index = index;
      this.files = files;
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
      out.writeInt(index);
      out.writeInt(files.length);
      String previous = "";
      for (PartitionedFile f : files) {
        String path = f.urlEncodedPath();
        int shared = sharedPrefix(previous, path);
        out.writeInt(shared);
        out.writeInt(path.length() - shared);
        for (int at = shared; at < path.length(); at += UTF_CHUNK) {
          out.writeUTF(path.substring(at, Math.min(path.length(), at + UTF_CHUNK)));
        }
        out.writeLong(f.start());
        out.writeLong(f.length());
        out.writeLong(f.modificationTime());
        out.writeLong(f.fileSize());
        // Usually one object for all the files of a folder: written once, then a back-reference.
        out.writeObject(f.partitionValues());
        out.writeObject(f.otherConstantMetadataColumnValues());
        previous = path;
      }
    }

    @Serial
    @SuppressWarnings("unchecked")
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      index = in.readInt();
      files = new PartitionedFile[in.readInt()];
      String previous = "";
      for (int i = 0; i < files.length; i++) {
        int shared = in.readInt();
        int rest = in.readInt();
        StringBuilder path = new StringBuilder(shared + rest).append(previous, 0, shared);
        while (path.length() < shared + rest) {
          path.append(in.readUTF());
        }
        long start = in.readLong();
        long length = in.readLong();
        long modified = in.readLong();
        long size = in.readLong();
        InternalRow values = (InternalRow) in.readObject();
        var metadata = (scala.collection.immutable.Map<String, Object>) in.readObject();
        previous = path.toString();
        files[i] = new PartitionedFile(values, SparkPath.fromUrlString(previous), start, length, NO_HOSTS,
            modified, size, metadata);
      }
    }

    @Serial
    private Object readResolve() throws ObjectStreamException {
      return new FilePartition(index, files);
    }

    private static int sharedPrefix(String a, String b) {
      int n = Math.min(a.length(), b.length());
      int i = 0;
      while (i < n && a.charAt(i) == b.charAt(i)) {
        i++;
      }
      return i;
    }
  }
}
