package io.s3dlio.store.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.s3dlio.store.ObjectStore;
import io.s3dlio.store.ObjectStores;
import io.s3dlio.store.ObjectUri;
import io.s3dlio.store.ResumingInputStream;
import io.s3dlio.store.metrics.MeteredObjectStore;
import io.s3dlio.store.StoreException;
import io.s3dlio.testing.AzuriteServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Downloads through a TCP proxy that drops every connection once it has passed a set number of
 * response bytes: the stream must resume from the last good byte, and must refuse to resume onto
 * an object that was replaced in the meantime.
 */
class TestAzureResumedReads {
  private static final String CONTAINER = "resume";
  private static AzuriteServer server;
  private static CuttingProxy proxy;

  @BeforeAll
  static void start() throws IOException {
    server = AzuriteServer.get();
    server.createContainer(CONTAINER);
    proxy = new CuttingProxy(server.port());
  }

  @AfterAll
  static void stop() throws IOException {
    proxy.close();
  }

  private static ObjectStore direct() throws IOException {
    return ObjectStores.open(ObjectUri.Scheme.AZ, server.storeConfig());
  }

  private static ObjectStore viaProxy() throws IOException {
    return ObjectStores.open(ObjectUri.Scheme.AZ, server.storeConfig()
        .with("azure.endpoint", "http://127.0.0.1:" + proxy.port() + "/{account}"));
  }

  private static ObjectUri fresh() {
    return ObjectUri.parse("az://" + AzuriteServer.ACCOUNT + "/" + CONTAINER + "/r-" + UUID.randomUUID() + ".bin");
  }

  @Test
  void droppedBodyResumesFromLastGoodByte() throws IOException {
    byte[] data = new byte[4 << 20];
    new Random(42).nextBytes(data);
    ObjectUri uri = fresh();
    try (ObjectStore d = direct(); ObjectStore p = viaProxy()) {
      d.put(uri, data);
      long cutsBefore = proxy.cuts();
      proxy.cutAfter(1 << 20);
      try (InputStream in = p.openRange(uri, 1000, -1)) {
        assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 1000, data.length));
        assertThat(((ResumingInputStream) MeteredObjectStore.unwrap(in)).resumes()).isEqualTo(1);
      }
      assertThat(proxy.cuts() - cutsBefore).as("connections dropped by the proxy").isEqualTo(1);
    }
  }

  @Test
  void replacedObjectIsNotResumedOnto() throws IOException {
    byte[] data = new byte[4 << 20];
    new Random(43).nextBytes(data);
    ObjectUri uri = fresh();
    try (ObjectStore d = direct(); ObjectStore p = viaProxy()) {
      d.put(uri, data);
      proxy.cutAfter(1 << 20);
      try (InputStream in = p.openRange(uri, 0, -1)) {
        byte[] head = in.readNBytes(256 << 10);
        assertThat(head).isEqualTo(Arrays.copyOf(data, 256 << 10));
        d.put(uri, new byte[] {1, 2, 3});
        assertThatThrownBy(in::readAllBytes)
            .isInstanceOf(StoreException.class)
            .hasMessageStartingWith("read " + uri + ": ")
            .hasMessageContaining("the object changed while it was read");
      }
    }
  }

  /** Forwards 127.0.0.1:port() to the target; once armed, drops all connections after N response bytes. */
  static final class CuttingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final AtomicLong budget = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong cuts = new AtomicLong();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    CuttingProxy(int target) throws IOException {
      this.target = target;
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::accept, "cutting-proxy");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    void cutAfter(long bytes) {
      budget.set(bytes);
    }

    long cuts() {
      return cuts.get();
    }

    private void accept() {
      while (!listener.isClosed()) {
        try {
          Socket client = listener.accept();
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
          open.add(client);
          open.add(upstream);
          pump(client, upstream, false);
          pump(upstream, client, true);
        } catch (IOException e) {
          return;
        }
      }
    }

    private void pump(Socket from, Socket to, boolean response) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[16 << 10];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          int n;
          while ((n = in.read(buf)) > 0) {
            if (response) {
              long left = budget.addAndGet(-n);
              if (left < 0 && left + n >= 0) {
                // this chunk crosses the limit: pass what is allowed, then drop everything
                out.write(buf, 0, (int) (left + n));
                out.flush();
                budget.set(Long.MAX_VALUE);
                cuts.incrementAndGet();
                dropAll();
                return;
              }
            }
            out.write(buf, 0, n);
            out.flush();
          }
        } catch (IOException ignored) {
          // a dropped or closed connection
        } finally {
          closeQuietly(from);
          closeQuietly(to);
        }
      }, "cutting-proxy-pump");
      t.setDaemon(true);
      t.start();
    }

    private void dropAll() {
      for (Socket s : open) {
        closeQuietly(s);
      }
      open.clear();
    }

    private static void closeQuietly(Socket s) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      dropAll();
    }
  }
}
