package io.hybridge.console.internal.workloads;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;

/**
 * Just enough of the servlet API to drive a servlet in a unit test: a request built from a
 * method, path, parameters, headers, body and multipart parts, and a response that records
 * status, headers and body. Anything else a servlet asks for fails the test loudly.
 */
final class FakeHttp {

    private FakeHttp() {
    }

    static final class Request {
        private final String method;
        private final String pathInfo;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private final Map<String, Part> parts = new LinkedHashMap<>();
        private final Map<String, Object> attributes = new HashMap<>();
        private byte[] body = new byte[0];
        private String contentType;
        private String requestUri;

        Request(String method, String pathInfo) {
            this.method = method;
            this.pathInfo = pathInfo;
            headers.put("Host", "127.0.0.1:8080");
        }

        Request param(String name, String value) {
            parameters.put(name, value);
            return this;
        }

        Request header(String name, String value) {
            if (value == null) {
                headers.remove(name);
            } else {
                headers.put(name, value);
            }
            return this;
        }

        Request attribute(String name, Object value) {
            attributes.put(name, value);
            return this;
        }

        Request body(String text) {
            body = text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        Request uri(String uri) {
            requestUri = uri;
            return this;
        }

        /** A multipart form part (a file when filename is not null). */
        Request part(String name, String filename, String content) {
            contentType = "multipart/form-data; boundary=x";
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            parts.put(name, (Part) Proxy.newProxyInstance(Part.class.getClassLoader(), new Class<?>[] {Part.class},
                    (proxy, m, args) -> switch (m.getName()) {
                        case "getName" -> name;
                        case "getSubmittedFileName" -> filename;
                        case "getSize" -> (long) bytes.length;
                        case "getInputStream" -> new ByteArrayInputStream(bytes);
                        case "toString" -> "part " + name;
                        default -> throw new UnsupportedOperationException("Part." + m.getName());
                    }));
            return this;
        }

        HttpServletRequest build() {
            return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                        case "getMethod" -> method;
                        case "getPathInfo" -> pathInfo;
                        case "getRequestURI" -> requestUri != null ? requestUri
                                : "/api/workloads" + (pathInfo == null ? "" : pathInfo);
                        case "getContextPath" -> "";
                        case "getServletPath" -> "/system/console";
                        case "getParameter" -> parameters.get((String) args[0]);
                        case "getHeader" -> headers.get((String) args[0]);
                        case "getAttribute" -> attributes.get((String) args[0]);
                        case "setAttribute" -> attributes.put((String) args[0], args[1]);
                        case "getContentType" -> contentType;
                        case "getPart" -> parts.get((String) args[0]);
                        case "getParts" -> parts.values();
                        case "getInputStream" -> input(body);
                        case "getRemoteAddr" -> "127.0.0.1";
                        case "getHeaderNames" -> Collections.enumeration(headers.keySet());
                        case "toString" -> method + " " + pathInfo;
                        default -> throw new UnsupportedOperationException("HttpServletRequest." + m.getName());
                    });
        }
    }

    static final class Response {
        int status = 200;
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String contentType;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final StringWriter text = new StringWriter();
        private PrintWriter writer;

        HttpServletResponse build() {
            return (HttpServletResponse) Proxy.newProxyInstance(HttpServletResponse.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> switch (m.getName()) {
                        case "setStatus" -> {
                            status = (Integer) args[0];
                            yield null;
                        }
                        case "getStatus" -> status;
                        case "sendError" -> {
                            status = (Integer) args[0];
                            if (args.length > 1) {
                                text.write((String) args[1]);
                            }
                            yield null;
                        }
                        case "sendRedirect" -> {
                            status = 302;
                            headers.put("Location", (String) args[0]);
                            yield null;
                        }
                        case "setHeader", "addHeader" -> headers.put((String) args[0], (String) args[1]);
                        case "getHeader" -> headers.get((String) args[0]);
                        case "setContentType" -> {
                            contentType = (String) args[0];
                            yield null;
                        }
                        case "setCharacterEncoding", "setContentLength", "setContentLengthLong" -> null;
                        case "getWriter" -> writer == null ? writer = new PrintWriter(text) : writer;
                        case "getOutputStream" -> output(bytes);
                        case "isCommitted" -> false;
                        case "toString" -> "response " + status;
                        default -> throw new UnsupportedOperationException("HttpServletResponse." + m.getName());
                    });
        }

        String body() {
            if (writer != null) {
                writer.flush();
            }
            return text + bytes.toString(StandardCharsets.UTF_8);
        }

        String location() {
            return headers.get("Location");
        }
    }

    private static ServletInputStream input(byte[] body) {
        InputStream in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override
            public int read() throws IOException {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return in.read(b, off, len);
            }

            @Override
            public boolean isFinished() {
                return false;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static ServletOutputStream output(ByteArrayOutputStream bytes) {
        return new ServletOutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes.write(b, off, len);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
