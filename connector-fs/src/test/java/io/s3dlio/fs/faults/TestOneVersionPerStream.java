package io.s3dlio.fs.faults;

import static org.apache.hadoop.fs.Options.OpenFileOptions.FS_OPTION_OPENFILE_READ_POLICY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.fs.RemoteFileChangedException;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectUri;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileRange;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One open FileSystem stream reads one version of an object: once the object is overwritten, every
 * later GET of the stream (after a seek, a positioned read, a vectored read) fails with
 * {@link RemoteFileChangedException} naming the path and both ETags; a new stream reads the new
 * version. On s3:// (S3Proxy) and az:// (Azurite).
 */
class TestOneVersionPerStream {

  private static byte[] filled(int n, int value) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, (byte) value);
    return b;
  }

  @ParameterizedTest
  @EnumSource(FsTargets.class)
  void laterReadsOfAnOverwrittenObjectFailNamingPathAndEtags(FsTargets target) throws Exception {
    Path path = new Path(target.root() + "/versions-" + UUID.randomUUID() + "/data.bin");
    ObjectUri uri = ObjectUri.parse(path.toString());
    try (ObjectStore direct = target.directStore();
        FileSystem fs = target.fileSystem(target.direct(), Map.of("fs.s3dlio.readahead", "4k"))) {
      direct.put(uri, filled(100_000, 1));
      FileStatus v1Status = fs.getFileStatus(path);
      String v1 = direct.stat(uri).etag();
      try (FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(path)
          .opt(FS_OPTION_OPENFILE_READ_POLICY, "random").build())) {
        byte[] head = new byte[100];
        in.readFully(head);
        assertThat(head).containsOnly(1);

        direct.put(uri, filled(100_000, 2));
        String v2 = direct.stat(uri).etag();
        assertThat(v2).isNotEqualTo(v1);

        in.seek(50_000);
        assertThatThrownBy(() -> in.readFully(new byte[100]))
            .isInstanceOf(RemoteFileChangedException.class)
            .hasMessageContaining(path.toString()).hasMessageContaining(v1).hasMessageContaining(v2);
        assertThatThrownBy(() -> in.readFully(70_000, new byte[10]))
            .isInstanceOf(RemoteFileChangedException.class).hasMessageContaining(path.toString());
        FileRange r = FileRange.createFileRange(90_000, 100);
        in.readVectored(List.of(r), ByteBuffer::allocate);
        assertThatThrownBy(() -> r.getData().join())
            .isInstanceOf(CompletionException.class)
            .hasCauseInstanceOf(RemoteFileChangedException.class)
            .hasMessageContaining(v1);
      }
      // a stream opened with the old FileStatus reads nothing of the new version either
      try (FSDataInputStream in = FutureIO.awaitFuture(fs.openFile(path).withFileStatus(v1Status).build())) {
        assertThatThrownBy(() -> in.read()).isInstanceOf(RemoteFileChangedException.class);
      }
      // a new stream reads the new version
      try (FSDataInputStream in = fs.open(path)) {
        assertThat(in.read()).isEqualTo(2);
      }
    }
  }
}
