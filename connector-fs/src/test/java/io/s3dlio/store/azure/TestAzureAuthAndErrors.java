package io.s3dlio.store.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import io.s3dlio.store.ListOptions;
import io.s3dlio.store.ObjectEntry;
import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.StoreConfig;
import io.s3dlio.store.StoreException;
import io.s3dlio.testing.AzuriteServer;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each way of authenticating, and the errors of bad credentials, missing containers and a dead server. */
class TestAzureAuthAndErrors {
  private static final String CONTAINER = "auth";
  private static AzuriteServer server;

  @BeforeAll
  static void startServer() {
    server = AzuriteServer.get();
    server.createContainer(CONTAINER);
  }

  private static ObjectUri uri(String name) {
    return ObjectUri.parse("az://" + AzuriteServer.ACCOUNT + "/" + CONTAINER + "/" + name);
  }

  private static ObjectUri fresh(String name) {
    return uri("auth-" + UUID.randomUUID() + "/" + name);
  }

  private static ObjectStore open(Map<String, String> settings) throws IOException {
    return ObjectStores.open(ObjectUri.Scheme.AZ, StoreConfig.of(settings));
  }

  /** put, get, ranged stream, stat, list, copy, bulk delete: the operations a credential must carry. */
  private static void exercise(ObjectStore store, ObjectUri dir) throws IOException {
    byte[] data = "hello azure".getBytes(StandardCharsets.UTF_8);
    ObjectUri a = dir.child("a.txt");
    ObjectUri b = dir.child("b.txt");
    store.put(a, data);
    assertThat(store.get(a)).isEqualTo(data);
    try (InputStream in = store.openRange(a, 6, 5)) {
      assertThat(in.readAllBytes()).isEqualTo("azure".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(store.stat(a).size()).isEqualTo(data.length);
    store.copy(a, b);
    assertThat(store.get(b)).isEqualTo(data);
    List<String> names = new ArrayList<>();
    store.list(dir, ListOptions.recursive()).forEachRemaining(e -> names.add(e.uri().name()));
    assertThat(names).containsExactly("a.txt", "b.txt");
    assertThat(store.deleteAll(List.of(a, b))).isEmpty();
    assertThatThrownBy(() -> store.stat(a)).isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void connectionString() throws IOException {
    try (ObjectStore store = open(Map.of("azure.connection-string", server.connectionString()))) {
      exercise(store, fresh(""));
    }
  }

  @Test
  void sharedKeyPickedByAutoFromAccountKeyAndEndpoint() throws IOException {
    try (ObjectStore store = open(Map.of(
        "azure.account", AzuriteServer.ACCOUNT,
        "azure.account-key", AzuriteServer.KEY,
        "azure.endpoint", server.endpointTemplate()))) {
      exercise(store, fresh(""));
    }
  }

  @Test
  void accountSas() throws IOException {
    String sas = server.adminClient().generateAccountSas(new AccountSasSignatureValues(
        OffsetDateTime.now().plusHours(1), AccountSasPermission.parse("rwdlac"),
        new AccountSasService().setBlobAccess(true),
        new AccountSasResourceType().setService(true).setContainer(true).setObject(true)));
    try (ObjectStore store = open(Map.of("azure.sas-token", "?" + sas, "azure.endpoint", server.endpointTemplate()))) {
      exercise(store, fresh(""));
    }
  }

  @Test
  void containerSas() throws IOException {
    String sas = server.adminClient().getBlobContainerClient(CONTAINER).generateSas(new BlobServiceSasSignatureValues(
        OffsetDateTime.now().plusHours(1), BlobContainerSasPermission.parse("racwdl")));
    try (ObjectStore store = open(Map.of("azure.auth", "sas", "azure.sas-token", sas,
        "azure.endpoint", server.endpointTemplate()))) {
      exercise(store, fresh(""));
    }
  }

  @Test
  void readOnlySasRefusesWritesNamingTheUri() throws IOException {
    ObjectUri existing = fresh("readable.txt");
    try (ObjectStore admin = open(Map.of("azure.connection-string", server.connectionString()))) {
      admin.put(existing, new byte[] {1, 2, 3});
    }
    String sas = server.adminClient().getBlobContainerClient(CONTAINER).generateSas(new BlobServiceSasSignatureValues(
        OffsetDateTime.now().plusHours(1), BlobContainerSasPermission.parse("rl")));
    try (ObjectStore store = open(Map.of("azure.sas-token", sas, "azure.endpoint", server.endpointTemplate()))) {
      assertThat(store.get(existing)).containsExactly(1, 2, 3);
      ObjectUri target = fresh("refused.txt");
      assertThatThrownBy(() -> store.put(target, new byte[] {1}))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageStartingWith("put " + target + ": access denied to account 'devstoreaccount1'")
          .hasMessageNotContaining(sas)
          .hasMessageNotContaining("sig=");
    }
  }

  @Test
  void wrongKeyIsAccessDeniedNamingTheUriAndNotTheKey() throws IOException {
    byte[] k = new byte[64];
    new Random(1).nextBytes(k);
    String wrongKey = Base64.getEncoder().encodeToString(k);
    ObjectUri target = uri("wrong-key/x.bin");
    try (ObjectStore store = open(Map.of("azure.account-key", wrongKey, "azure.endpoint", server.endpointTemplate()))) {
      assertThatThrownBy(() -> store.stat(target))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageStartingWith("stat " + target + ": access denied to account 'devstoreaccount1' (HTTP 403")
          .hasMessageNotContaining(wrongKey);
      assertThatThrownBy(() -> store.get(target))
          .isInstanceOf(AccessDeniedException.class)
          .hasMessageStartingWith("read " + target + ": access denied")
          .hasMessageNotContaining(wrongKey);
      assertThatThrownBy(() -> store.put(target, new byte[] {1}))
          .isInstanceOf(AccessDeniedException.class).hasMessageStartingWith("put " + target + ": access denied");
      assertThatThrownBy(() -> store.list(target.withKey("wrong-key/"), ListOptions.recursive()))
          .isInstanceOf(AccessDeniedException.class).hasMessageStartingWith("list az://devstoreaccount1/auth/wrong-key/");
    }
  }

  @Test
  void missingContainerIsFileNotFoundNamingAccountContainerAndUri() throws IOException {
    ObjectUri target = ObjectUri.parse("az://devstoreaccount1/no-such-container-" + UUID.randomUUID().toString()
        .substring(0, 8) + "/dir/x.bin");
    String naming = "container '" + target.container() + "' not found in account 'devstoreaccount1'";
    try (ObjectStore store = ObjectStores.open(ObjectUri.Scheme.AZ, server.storeConfig())) {
      assertThatThrownBy(() -> store.get(target))
          .isInstanceOf(FileNotFoundException.class).hasMessageStartingWith("read " + target + ": " + naming);
      assertThatThrownBy(() -> store.put(target, new byte[] {1}))
          .isInstanceOf(FileNotFoundException.class).hasMessageStartingWith("put " + target + ": " + naming);
      assertThatThrownBy(() -> store.list(target.withKey("dir/"), ListOptions.recursive()))
          .isInstanceOf(FileNotFoundException.class).hasMessageContaining(naming)
          .hasMessageContaining(target.withKey("dir/").toString());
      assertThatThrownBy(() -> store.delete(target))
          .isInstanceOf(FileNotFoundException.class).hasMessageStartingWith("delete " + target + ": " + naming);
      // HEAD responses have no body; the error code comes from the x-ms-error-code header
      assertThatThrownBy(() -> store.stat(target))
          .isInstanceOf(FileNotFoundException.class).hasMessageStartingWith("stat " + target + ": ");
    }
  }

  @Test
  void deadServerFailsQuicklyNamingTheUri() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ObjectUri target = uri("dead/x.bin");
    try (ObjectStore store = open(Map.of(
        "azure.account-key", AzuriteServer.KEY,
        "azure.endpoint", "http://127.0.0.1:" + port + "/{account}",
        "azure.max-retries", "1",
        "azure.retry-base-delay", "20ms"))) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> store.stat(target))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("stat " + target + ": ")
          .hasMessageContaining("Connect");
      assertThatThrownBy(() -> store.get(target))
          .isInstanceOf(StoreException.class)
          .hasMessageStartingWith("read " + target + ": ");
      assertThat((System.nanoTime() - start) / 1_000_000).as("milliseconds for two failed calls").isLessThan(10_000);
    }
  }

  @Test
  void connectionStringOfAnotherAccountIsRefusedClearly() throws IOException {
    ObjectUri other = ObjectUri.parse("az://otheraccount/c/x.bin");
    try (ObjectStore store = open(Map.of("azure.connection-string", server.connectionString()))) {
      assertThatThrownBy(() -> store.stat(other))
          .isInstanceOf(StoreException.class)
          .hasMessage("stat az://otheraccount/c/x.bin: azure.secret-connection-string is for account 'devstoreaccount1',"
              + " not 'otheraccount'");
    }
  }

  @Test
  void missingSettingOfChosenAuthIsNamed() throws IOException {
    try (ObjectStore store = open(Map.of("azure.auth", "shared-key"))) {
      assertThatThrownBy(() -> store.stat(uri("x")))
          .isInstanceOf(StoreException.class)
          .hasMessage("stat " + uri("x") + ": authentication shared-key needs setting azure.secret-key");
    }
  }

  @Test
  void pinnedServiceVersionIsUsed() throws IOException {
    try (ObjectStore store = ObjectStores.open(ObjectUri.Scheme.AZ,
        server.storeConfig().with("azure.service-version", "2021-12-02"))) {
      exercise(store, fresh(""));
    }
  }

  @Test
  void bulkDeleteOfAwkwardKeysByBatchAndInParallel() throws IOException {
    for (String mode : List.of("batch", "parallel")) {
      try (ObjectStore store = ObjectStores.open(ObjectUri.Scheme.AZ,
          server.storeConfig().with("azure.bulk-delete", mode))) {
        assertThat(store.bulkDeletePageSize()).isEqualTo(mode.equals("batch") ? 256 : 1);
        ObjectUri dir = fresh(mode + "/");
        List<ObjectUri> uris = new ArrayList<>();
        for (String name : List.of("%41", "a b", "plus+sign", "ünï/日本", "x&y=1;z", "%zz")) {
          ObjectUri u = dir.child(name);
          store.put(u, new byte[] {7});
          uris.add(u);
        }
        // more than one batch: 256 + 44
        for (int i = 0; i < 300; i++) {
          ObjectUri u = dir.child("n" + i);
          store.put(u, new byte[0]);
          uris.add(u);
        }
        assertThat(store.deleteAll(uris)).isEmpty();
        List<ObjectEntry> left = new ArrayList<>();
        store.list(dir, ListOptions.recursive()).forEachRemaining(left::add);
        assertThat(left).isEmpty();
      }
    }
  }
}
