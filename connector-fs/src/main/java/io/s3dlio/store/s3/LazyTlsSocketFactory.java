package io.s3dlio.store.s3;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import org.apache.http.HttpHost;
import org.apache.http.conn.socket.LayeredConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.protocol.HttpContext;
import software.amazon.awssdk.http.SystemPropertyTlsKeyManagersProvider;

/**
 * The {@code https} socket factory of a store whose endpoint is plain {@code http://}: the TLS
 * set-up (the JDK's trust store of some 140 certificates parsed, the public suffix list of the
 * hostname verifier loaded) happens on first use, not when the store opens. Such a store never
 * uses it (every request goes to its endpoint), and that set-up was a third of the CPU of a short
 * CLI run against such an endpoint (docs/performance.md). If an {@code https} connection is made
 * after all, it gets what the SDK's Apache client builds by default: a TLS context with the key
 * managers of the {@code javax.net.ssl.keyStore} properties, the JDK's default trust managers and
 * Apache's default hostname verifier.
 */
final class LazyTlsSocketFactory implements LayeredConnectionSocketFactory {
  private volatile LayeredConnectionSocketFactory tls;

  /** Whether the TLS factory has been built (for tests). */
  boolean built() {
    return tls != null;
  }

  private LayeredConnectionSocketFactory tls() throws IOException {
    LayeredConnectionSocketFactory f = tls;
    if (f == null) {
      synchronized (this) {
        f = tls;
        if (f == null) {
          try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(SystemPropertyTlsKeyManagersProvider.create().keyManagers(), null, null);
            f = new SSLConnectionSocketFactory(context, SSLConnectionSocketFactory.getDefaultHostnameVerifier());
          } catch (GeneralSecurityException e) {
            throw new IOException("Cannot set up TLS for an https connection: " + e.getMessage(), e);
          }
          tls = f;
        }
      }
    }
    return f;
  }

  @Override
  public Socket createSocket(HttpContext context) throws IOException {
    return tls().createSocket(context);
  }

  @Override
  public Socket connectSocket(int connectTimeout, Socket sock, HttpHost host, InetSocketAddress remoteAddress,
      InetSocketAddress localAddress, HttpContext context) throws IOException {
    return tls().connectSocket(connectTimeout, sock, host, remoteAddress, localAddress, context);
  }

  @Override
  public Socket createLayeredSocket(Socket socket, String target, int port, HttpContext context) throws IOException {
    return tls().createLayeredSocket(socket, target, port, context);
  }
}
