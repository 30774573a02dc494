package io.s3dlio.fs.faults;

import io.s3dlio.fs.S3dlioFileSystem;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.AzuriteServer;
import io.s3dlio.testing.FaultPlan;
import io.s3dlio.testing.FaultProxy;
import io.s3dlio.testing.FaultTargets;
import io.s3dlio.testing.S3ProxyServer;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/** The remote schemes of the FileSystem fault tests: s3:// on S3Proxy, az:// on Azurite. */
enum FsTargets {
  S3 {
    @Override
    String root() {
      S3ProxyServer.get().createBucket("faults-fs");
      return "s3://faults-fs";
    }

    @Override
    StoreConfig direct() {
      return S3ProxyServer.get().storeConfig();
    }

    @Override
    FaultProxy proxy() {
      return FaultTargets.s3Proxy();
    }

    @Override
    StoreConfig viaProxy(FaultProxy p) {
      return FaultTargets.s3ViaProxy(p);
    }

    @Override
    FaultPlan.Dialect dialect() {
      return FaultPlan.Dialect.S3;
    }
  },
  AZ {
    @Override
    String root() {
      AzuriteServer.get().createContainer("faults-fs");
      return "az://" + AzuriteServer.ACCOUNT + "/faults-fs";
    }

    @Override
    StoreConfig direct() {
      return AzuriteServer.get().storeConfig();
    }

    @Override
    FaultProxy proxy() {
      return FaultTargets.azureProxy();
    }

    @Override
    StoreConfig viaProxy(FaultProxy p) {
      return FaultTargets.azureViaProxy(p);
    }

    @Override
    FaultPlan.Dialect dialect() {
      return FaultPlan.Dialect.AZURE;
    }
  };

  /** The FileSystem root: {@code s3://bucket} or {@code az://account/container}. */
  abstract String root();

  abstract StoreConfig direct();

  abstract FaultProxy proxy();

  abstract StoreConfig viaProxy(FaultProxy p);

  abstract FaultPlan.Dialect dialect();

  String scheme() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  ObjectStore directStore() throws IOException {
    return ObjectStores.open(ObjectUri.Scheme.valueOf(name()), direct());
  }

  /** A FileSystem (not cached) over {@code config}, with extra Hadoop keys. */
  FileSystem fileSystem(StoreConfig config, Map<String, String> extra) throws IOException {
    Configuration c = new Configuration(false);
    c.setClass("fs." + scheme() + ".impl", this == S3 ? S3dlioFileSystem.S3.class : S3dlioFileSystem.Az.class,
        FileSystem.class);
    c.setBoolean("fs." + scheme() + ".impl.disable.cache", true);
    FaultTargets.hadoopKeys(config).forEach(c::set);
    extra.forEach(c::set);
    String root = root();
    return FileSystem.newInstance(URI.create(this == S3 ? root : root.substring(0, root.lastIndexOf('/'))), c);
  }
}
