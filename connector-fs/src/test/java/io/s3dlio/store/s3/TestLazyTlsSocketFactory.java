package io.s3dlio.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;
import org.apache.http.HttpHost;
import org.apache.http.protocol.BasicHttpContext;
import org.junit.jupiter.api.Test;

/** The https factory of a plain-http store: nothing built until used, and then it speaks TLS, never plain text. */
class TestLazyTlsSocketFactory {

  @Test
  void buildsTlsOnFirstUseAndThenHandshakes() throws Exception {
    LazyTlsSocketFactory f = new LazyTlsSocketFactory();
    assertThat(f.built()).isFalse();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread plain = new Thread(() -> {
        try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          s.getInputStream().read(new byte[1024]);
        } catch (Exception ignored) {
          // the client gives up on the handshake
        }
      });
      plain.start();
      BasicHttpContext ctx = new BasicHttpContext();
      Socket sock = f.createSocket(ctx);
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
      // a server that answers in plain text: the TLS handshake fails, no plain-text exchange happens
      assertThatThrownBy(() -> f.connectSocket(5_000, sock, new HttpHost("localhost", server.getLocalPort(), "https"),
          address, null, ctx)).isInstanceOf(SSLException.class);
      assertThat(f.built()).isTrue();
      sock.close();
      plain.join(10_000);
    }
  }
}
