package io.s3dlio.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ObjectUriTest {

  @Test
  void parsesEveryScheme() {
    ObjectUri s3 = ObjectUri.parse("s3://bucket/a/b c/ü%41.bin");
    assertThat(s3.scheme()).isEqualTo(ObjectUri.Scheme.S3);
    assertThat(s3.bucket()).isEqualTo("bucket");
    assertThat(s3.key()).isEqualTo("a/b c/ü%41.bin");
    assertThat(s3.toString()).isEqualTo("s3://bucket/a/b c/ü%41.bin");

    ObjectUri az = ObjectUri.parse("az://acct/cont/x/y");
    assertThat(az.bucket()).isEqualTo("acct");
    assertThat(az.container()).isEqualTo("cont");
    assertThat(az.key()).isEqualTo("x/y");
    assertThat(ObjectUri.parse(az.toString())).isEqualTo(az);
    assertThat(ObjectUri.parse("az://acct/cont").key()).isEmpty();

    assertThat(ObjectUri.parse("gs://b/k").scheme()).isEqualTo(ObjectUri.Scheme.GS);
    assertThat(ObjectUri.parse("file:///tmp/x y").key()).isEqualTo("/tmp/x y");
    assertThat(ObjectUri.parse("file:/tmp/x").key()).isEqualTo("/tmp/x");
    assertThat(ObjectUri.parse("file://localhost/tmp/x").key()).isEqualTo("/tmp/x");
    assertThat(ObjectUri.parse("direct:///data/f").scheme()).isEqualTo(ObjectUri.Scheme.DIRECT);
    assertThat(ObjectUri.parse("S3://b/k").scheme()).isEqualTo(ObjectUri.Scheme.S3);
    assertThat(ObjectUri.parse("s3://b").key()).isEmpty();
  }

  @Test
  void childAndName() {
    ObjectUri d = ObjectUri.parse("s3://b/dir");
    assertThat(d.child("x").toString()).isEqualTo("s3://b/dir/x");
    assertThat(ObjectUri.parse("s3://b/dir/").child("x").key()).isEqualTo("dir/x");
    assertThat(ObjectUri.parse("s3://b").child("x").key()).isEqualTo("x");
    assertThat(ObjectUri.parse("s3://b/dir/f.txt").name()).isEqualTo("f.txt");
    assertThat(ObjectUri.parse("s3://b/dir/sub/").name()).isEqualTo("sub");
  }

  @Test
  void rejectsBadUrisNamingThem() {
    assertThatThrownBy(() -> ObjectUri.parse("hdfs://nn/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hdfs://nn/x").hasMessageContaining("unknown scheme 'hdfs'");
    assertThatThrownBy(() -> ObjectUri.parse("no-scheme/x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-scheme/x");
    assertThatThrownBy(() -> ObjectUri.parse("s3:///key"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing bucket");
    assertThatThrownBy(() -> ObjectUri.parse("s3:bucket/key"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s3:bucket/key");
    assertThatThrownBy(() -> ObjectUri.parse("az://acct"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing container");
    assertThatThrownBy(() -> ObjectUri.parse("az:///c/k"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing account");
    assertThatThrownBy(() -> ObjectUri.parse("file://otherhost/x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no host");
    assertThatThrownBy(() -> ObjectUri.parse("file:relative/x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
  }

  @Test
  void plainArgumentsAreLocalPaths() {
    String cwd = java.nio.file.Path.of("").toAbsolutePath().toString();
    assertThat(ObjectUri.parseOrLocalPath("data/x y.bin").toString()).isEqualTo("file://" + cwd + "/data/x y.bin");
    assertThat(ObjectUri.parseOrLocalPath("data/dir/").key()).isEqualTo(cwd + "/data/dir/");
    assertThat(ObjectUri.parseOrLocalPath("/abs/../p").key()).isEqualTo("/p");
    assertThat(ObjectUri.parseOrLocalPath("s3://b/k%41").key()).isEqualTo("k%41");
    assertThat(ObjectUri.parseOrLocalPath("direct:///d").scheme()).isEqualTo(ObjectUri.Scheme.DIRECT);
  }
}
