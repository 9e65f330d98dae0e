package io.hybridge.fleet.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Serves unit files to gateways over HTTP at {@code /units/<sha256>/<file-name>}, with
 * {@code Range} requests so an interrupted download resumes ({@code dp.download.resume}). The
 * digest in the path selects the file, so a URL never serves other bytes than the ones signed.
 */
public final class UnitServer implements AutoCloseable {
    private static final Pattern PATH = Pattern.compile("/units/([0-9a-f]{64})/([^/]+)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final HttpServer server;
    private final ExecutorService executor;
    private final String publicBase;
    private final AtomicInteger served = new AtomicInteger();

    /**
     * @param bind       address and port to listen on (port 0: any free one)
     * @param publicHost the host name gateways use to reach it, or {@code null} for the bind address
     * @param files      the file of a digest, or {@code null}
     */
    public UnitServer(InetSocketAddress bind, String publicHost, int threads, Function<String, Path> files) throws IOException {
        this.server = HttpServer.create(bind, 256);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fleet-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/units/", exchange -> {
            try {
                handle(exchange, files);
            } catch (IOException e) {
                // the gateway went away mid-transfer; it resumes with a Range request
            } finally {
                exchange.close();
            }
        });
        server.start();
        String host = publicHost != null ? publicHost : bind.getAddress().isAnyLocalAddress() ? "127.0.0.1"
                : bind.getAddress().getHostAddress();
        this.publicBase = "http://" + host + ":" + server.getAddress().getPort();
    }

    /** The URL of a file for gateways. */
    public String url(String sha256Hex, String fileName) {
        return publicBase + "/units/" + sha256Hex + "/" + java.net.URLEncoder.encode(fileName, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Responses with a body sent so far. */
    public int served() {
        return served.get();
    }

    private void handle(HttpExchange exchange, Function<String, Path> files) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            send(exchange, 405, "only GET and HEAD");
            return;
        }
        Matcher m = PATH.matcher(exchange.getRequestURI().getPath());
        Path file = m.matches() ? files.apply(m.group(1)) : null;
        if (file == null || !Files.isRegularFile(file)) {
            send(exchange, 404, "no unit with this digest: " + exchange.getRequestURI().getPath());
            return;
        }
        long size = Files.size(file);
        long from = 0;
        long to = size - 1;
        int status = 200;
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null) {
            Matcher r = RANGE.matcher(range.trim());
            if (!r.matches() || (r.group(1).isEmpty() && r.group(2).isEmpty())) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
                send(exchange, 416, "unsupported range '" + range + "': use bytes=<from>-[<to>]");
                return;
            }
            if (r.group(1).isEmpty()) { // suffix: the last n bytes
                from = Math.max(0, size - Long.parseLong(r.group(2)));
            } else {
                from = Long.parseLong(r.group(1));
                if (!r.group(2).isEmpty()) {
                    to = Math.min(to, Long.parseLong(r.group(2)));
                }
            }
            if (from >= size || from > to) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
                send(exchange, 416, "range '" + range + "' is outside the " + size + " bytes of the unit");
                return;
            }
            status = 206;
            exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        long length = to - from + 1;
        if (method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, length);
        // large writes: FileChannel.transferTo to a stream's channel moves 8 KiB per socket write,
        // which made every client pay a read per 8 KiB
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r"); FileChannel channel = raf.getChannel();
                OutputStream out = exchange.getResponseBody()) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(length, 1 << 20));
            for (long position = from, left = length; left > 0;) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), left));
                int read = channel.read(buffer, position);
                if (read < 0) {
                    throw new IOException(file + " shrank while it was served");
                }
                out.write(buffer.array(), 0, read);
                position += read;
                left -= read;
            }
        }
        served.incrementAndGet();
    }

    private static void send(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
