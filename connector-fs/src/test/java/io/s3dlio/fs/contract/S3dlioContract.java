package io.s3dlio.fs.contract;

import io.s3dlio.fs.FsConstants;
import io.s3dlio.fs.S3dlioFileSystem;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.contract.AbstractFSContract;

/**
 * Binds Hadoop's contract suites to the s3dlio FileSystem of one scheme. The store's behaviour is
 * declared in {@code contract/s3dlio-<scheme>.xml}; S3 and Azure run against the test servers
 * (S3Proxy, Azurite), file and direct against {@code target/} on local disk.
 */
public class S3dlioContract extends AbstractFSContract {
  /** The contract's name: a scheme, or "rgw" for s3:// against Ceph RGW. */
  private final String scheme;
  /** The FileSystem's scheme. */
  private final String fsScheme;
  private final URI fsUri;
  private final Path testPath;
  private FileSystem fs;

  public S3dlioContract(Configuration conf, String scheme) {
    super(conf);
    this.scheme = scheme;
    this.fsScheme = scheme.equals("rgw") ? "s3" : scheme;
    switch (scheme) {
      case "file", "direct" -> {
        String dir = new File("target/contract-" + scheme).getAbsolutePath();
        this.fsUri = URI.create(scheme + ":///");
        this.testPath = new Path(scheme + "://" + dir + "/" + UUID.randomUUID());
      }
      default -> {
        Map.Entry<URI, Map<String, String>> server = Servers.forScheme(scheme);
        this.fsUri = server.getKey();
        server.getValue().forEach((k, v) -> conf.set(FsConstants.PREFIX + k, v));
        String base = fsUri.toString() + (scheme.equals("az") ? "/" + server.getValue().get("test.container") : "");
        this.testPath = new Path(base + "/test");
      }
    }
  }

  @Override
  public void init() throws IOException {
    super.init();
    addConfResource("contract/s3dlio-" + scheme + ".xml");
    Class<? extends FileSystem> impl = switch (fsScheme) {
      case "s3" -> S3dlioFileSystem.S3.class;
      case "gs" -> S3dlioFileSystem.Gs.class;
      case "az" -> S3dlioFileSystem.Az.class;
      case "direct" -> S3dlioFileSystem.Direct.class;
      default -> S3dlioFileSystem.LocalFile.class;
    };
    getConf().setClass("fs." + fsScheme + ".impl", impl, FileSystem.class);
    getConf().setBoolean("fs." + fsScheme + ".impl.disable.cache", true);
  }

  @Override
  public synchronized FileSystem getTestFileSystem() throws IOException {
    if (fs == null) {
      fs = FileSystem.get(fsUri, getConf());
    }
    return fs;
  }

  @Override
  public void teardown() throws IOException {
    super.teardown();
    if (fs != null) {
      fs.close();
      fs = null;
    }
  }

  @Override
  public String getScheme() {
    return fsScheme;
  }

  @Override
  public Path getTestPath() {
    return testPath;
  }
}
