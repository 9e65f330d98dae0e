package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;

/**
 * A loopback HTTP server for one file, with {@code Range} support; it can stop after a number of
 * bytes (a connection that drops mid-transfer) to test resuming.
 */
final class RangeServer implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
    private final HttpServer server;
    private volatile byte[] content;
    volatile long dropAfter = -1;
    /** Sends this many bytes, then nothing until {@link #unstall} (a link that hangs). */
    volatile long stallAfter = -1;
    final java.util.concurrent.CountDownLatch unstall = new java.util.concurrent.CountDownLatch(1);
    final AtomicInteger rangeRequests = new AtomicInteger();

    RangeServer(byte[] content) throws IOException {
        this(content, null);
    }

    /** Serves over HTTPS with {@code tls}'s key when it is not {@code null}. */
    RangeServer(byte[] content, javax.net.ssl.SSLContext tls) throws IOException {
        this.content = content;
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls != null) {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(loopback, 0);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
            server = https;
        } else {
            server = HttpServer.create(loopback, 0);
        }
        server.createContext("/", exchange -> {
            byte[] body = this.content;
            int from = 0;
            String range = exchange.getRequestHeaders().getFirst("Range");
            Matcher matcher = range == null ? null : RANGE.matcher(range);
            if (matcher != null && matcher.matches()) {
                rangeRequests.incrementAndGet();
                from = Integer.parseInt(matcher.group(1));
                if (from >= body.length) {
                    exchange.sendResponseHeaders(416, -1);
                    exchange.close();
                    return;
                }
                exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
                exchange.sendResponseHeaders(206, body.length - from);
            } else {
                exchange.sendResponseHeaders(200, body.length);
            }
            try (OutputStream out = exchange.getResponseBody()) {
                long stall = stallAfter;
                if (stall >= 0) {
                    stallAfter = -1;
                    out.write(body, from, (int) stall);
                    out.flush();
                    try {
                        unstall.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IOException("stalled response abandoned");
                }
                long limit = dropAfter;
                int end = limit >= 0 ? (int) Math.min(body.length, from + limit) : body.length;
                out.write(body, from, end - from);
                if (end < body.length) {
                    dropAfter = -1;
                    out.flush();
                    exchange.getHttpContext().getServer(); // keep the reference; the drop closes the connection
                    throw new IOException("dropping the connection after " + (end - from) + " bytes");
                }
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    URI uri(String name) {
        String scheme = server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http";
        return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/" + name);
    }

    @Override
    public void close() {
        unstall.countDown();
        server.stop(0);
    }
}
