package io.s3dlio.npz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.apache.spark.paths.SparkPath;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.execution.datasources.FilePartition;
import org.apache.spark.sql.execution.datasources.PartitionedFile;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** A task gets a plain FilePartition with the same files as the one planned, whatever the paths. */
class TestCompactFilePartition {
  @Test
  void tasksGetTheSameFiles() throws Exception {
    InternalRow day1 = new GenericInternalRow(new Object[] {UTF8String.fromString("2026-12-01")});
    InternalRow day2 = new GenericInternalRow(new Object[] {UTF8String.fromString("2026-12-02")});
    String longName = "x".repeat(40_000) + "\u00e9\ud83d\ude00.npz"; // more than one UTF chunk, non-ASCII
    scala.collection.immutable.Map<String, Object> none = PartitionedFile.apply$default$8();
    scala.collection.immutable.Map<String, Object> meta = none.updated("k", (Object) 7L);
    PartitionedFile[] files = {
        file(day1, "file:/data/day=1/f000001.npz", 0, 4096, 4096, 11, none),
        file(day1, "file:/data/day=1/f000002.npz", 0, 4000, 4000, 12, none),
        file(day2, "file:/data/day=2/f000001.npz", 1024, 2048, 9000, 13, meta),
        file(day2, "s3a://bucket/a%20b/" + longName, 0, 5, 5, 14, none),
        file(day2, "file:/data/day=2/f000001.npz", 0, 1024, 9000, 13, none)};
    FilePartition planned = new CompactFilePartition(new FilePartition(3, files));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(planned);
    }
    Object read;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      read = in.readObject();
    }

    assertThat(read.getClass()).isEqualTo(FilePartition.class);
    FilePartition p = (FilePartition) read;
    assertThat(p.index()).isEqualTo(3);
    assertThat(p.files()).hasSameSizeAs(files);
    for (int i = 0; i < files.length; i++) {
      PartitionedFile a = files[i];
      PartitionedFile b = p.files()[i];
      assertThat(b.urlEncodedPath()).isEqualTo(a.urlEncodedPath());
      assertThat(b.toPath()).isEqualTo(a.toPath());
      assertThat(new long[] {b.start(), b.length(), b.fileSize(), b.modificationTime()})
          .containsExactly(a.start(), a.length(), a.fileSize(), a.modificationTime());
      assertThat(b.partitionValues()).isEqualTo(a.partitionValues());
      assertThat(b.otherConstantMetadataColumnValues()).isEqualTo(a.otherConstantMetadataColumnValues());
    }
    // a folder's partition values stay one object
    assertThat(p.files()[0].partitionValues()).isSameAs(p.files()[1].partitionValues());
  }

  private static PartitionedFile file(InternalRow values, String path, long start, long length, long size,
      long modified, scala.collection.immutable.Map<String, Object> meta) {
    return new PartitionedFile(values, SparkPath.fromUrlString(path), start, length, new String[] {"localhost"},
        modified, size, meta);
  }
}
