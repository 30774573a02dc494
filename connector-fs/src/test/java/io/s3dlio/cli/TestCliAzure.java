package io.s3dlio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.s3dlio.store.StoreConfig;
import io.s3dlio.testing.AzuriteServer;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class TestCliAzure extends AbstractCliTest {
  private static final String CONTAINER = "cli-tests";

  @Override
  protected StoreConfig config() {
    return AzuriteServer.get().storeConfig();
  }

  @Override
  protected String remoteRoot() {
    AzuriteServer.get().createContainer(CONTAINER);
    return "az://" + AzuriteServer.get().account() + "/" + CONTAINER + "/";
  }

  @Test
  void missingContainerIsNamed() throws IOException {
    String uri = "az://" + AzuriteServer.get().account() + "/no-such-container/k";
    Result r = run("stat", uri);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains(uri);
  }
}
